import { RedisEventLog } from '../../src/datasources/redis/event-log.js';
import { RedisLeaderboards } from '../../src/datasources/redis/leaderboards.js';
import { openTestRedis } from '../helpers/redis.js';
import { leaderboardsSuite } from './leaderboards.suite.js';

leaderboardsSuite('redis (sorted sets)', async () => {
  const t = await openTestRedis();
  const events = new RedisEventLog(t.redis, t.prefix, { retentionSeconds: 3600, maxLength: 10_000 });
  return { boards: new RedisLeaderboards(t.redis, t.prefix, events), events, close: () => t.close() };
});
