import { useClusterBackend } from '../helpers/test-cluster.js';
import { jobOwnershipSuite } from './job-ownership.suite.js';

useClusterBackend();
jobOwnershipSuite('cluster');
