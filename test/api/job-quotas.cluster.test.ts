import { useClusterBackend } from '../helpers/test-cluster.js';
import { jobQuotasSuite } from './job-quotas.suite.js';

useClusterBackend();
jobQuotasSuite('cluster');
