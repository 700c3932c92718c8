import { persistedQueriesSuite } from './persisted-queries.suite.js';

persistedQueriesSuite('embedded');
