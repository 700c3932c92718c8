import { jobQuotasSuite } from './job-quotas.suite.js';

jobQuotasSuite('mongodb');
