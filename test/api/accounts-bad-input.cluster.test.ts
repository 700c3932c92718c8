import { useClusterBackend } from '../helpers/test-cluster.js';
import { accountsBadInputSuite } from './accounts-bad-input.suite.js';

useClusterBackend();
accountsBadInputSuite('cluster');
