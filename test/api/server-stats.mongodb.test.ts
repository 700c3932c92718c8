import { serverStatsSuite } from './server-stats.suite.js';

serverStatsSuite('mongodb');
