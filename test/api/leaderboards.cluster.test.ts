import { useClusterBackend } from '../helpers/test-cluster.js';
import { leaderboardOperationsSuite } from './leaderboards.suite.js';

useClusterBackend();
leaderboardOperationsSuite('cluster');
