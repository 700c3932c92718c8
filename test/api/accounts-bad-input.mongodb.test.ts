import { accountsBadInputSuite } from './accounts-bad-input.suite.js';

accountsBadInputSuite('mongodb');
