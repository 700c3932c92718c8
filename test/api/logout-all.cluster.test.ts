import { useClusterBackend } from '../helpers/test-cluster.js';
import { logoutAllSuite } from './logout-all.suite.js';

useClusterBackend();
logoutAllSuite('cluster');
