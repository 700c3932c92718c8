import { logoutAllSuite } from './logout-all.suite.js';

logoutAllSuite('mongodb');
