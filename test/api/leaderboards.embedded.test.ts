import { leaderboardOperationsSuite } from './leaderboards.suite.js';

leaderboardOperationsSuite('embedded');
