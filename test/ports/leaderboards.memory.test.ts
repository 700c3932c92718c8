import { MemoryLeaderboards } from '../../src/datasources/memory/leaderboards.js';
import { leaderboardsSuite } from './leaderboards.suite.js';

leaderboardsSuite('memory', async () => {
  const boards = new MemoryLeaderboards();
  return { boards, close: () => boards.close() };
});
