import { useClusterBackend } from '../helpers/test-cluster.js';
import { accessRulesSuite } from './access-rules.suite.js';

useClusterBackend();
accessRulesSuite('cluster');
