import { accountsSuite } from './accounts.suite.js';

accountsSuite('embedded');
