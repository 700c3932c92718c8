import { useClusterBackend } from '../helpers/test-cluster.js';
import { rateLimitSuite } from './rate-limit.suite.js';

useClusterBackend();
rateLimitSuite('cluster');
