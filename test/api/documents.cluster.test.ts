import { useClusterBackend } from '../helpers/test-cluster.js';
import { documentsSuite } from './documents.suite.js';

useClusterBackend();
documentsSuite('cluster');
