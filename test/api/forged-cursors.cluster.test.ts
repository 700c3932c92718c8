import { useClusterBackend } from '../helpers/test-cluster.js';
import { forgedCursorsSuite } from './forged-cursors.suite.js';

useClusterBackend();
forgedCursorsSuite('cluster');
