import { MemoryEventLog } from '../../src/datasources/memory/event-log.js';
import { MemoryLeaderboards } from '../../src/datasources/memory/leaderboards.js';
import { MemoryPubSub } from '../../src/datasources/memory/pubsub.js';
import { leaderboardsSuite } from './leaderboards.suite.js';

leaderboardsSuite('memory', async () => {
  const events = new MemoryEventLog({ retentionSeconds: 3600, maxLength: 10_000 }, new MemoryPubSub());
  const boards = new MemoryLeaderboards(events);
  return { boards, events, close: () => boards.close() };
});
