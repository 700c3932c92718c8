import { RedisLeaderboards } from '../../src/datasources/redis/leaderboards.js';
import { openTestRedis } from '../helpers/redis.js';
import { leaderboardsSuite } from './leaderboards.suite.js';

leaderboardsSuite('redis (sorted sets)', async () => {
  const t = await openTestRedis();
  return { boards: new RedisLeaderboards(t.redis, t.prefix), close: () => t.close() };
});
