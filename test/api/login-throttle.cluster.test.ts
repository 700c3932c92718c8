import { useClusterBackend } from '../helpers/test-cluster.js';
import { loginThrottleSuite } from './login-throttle.suite.js';

useClusterBackend();
loginThrottleSuite('cluster');
