import { RedisPresence } from '../../src/datasources/redis/presence.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { presenceSuite } from './presence.suite.js';

const cluster = useTestCluster();

presenceSuite('redis cluster', async (ttlMs) => {
  const own = await openTestRedis((await cluster()).url);
  const presence = new RedisPresence(own.redis, own.prefix, ttlMs);
  return {
    port: presence,
    async close() {
      await presence.close();
      await own.close();
    },
  };
});
