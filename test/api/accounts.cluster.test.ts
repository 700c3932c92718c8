import { useClusterBackend } from '../helpers/test-cluster.js';
import { accountsSuite } from './accounts.suite.js';

useClusterBackend();
accountsSuite('cluster');
