import { documentsSuite } from './documents.suite.js';

documentsSuite('embedded');
