import { RedisEventLog } from '../../src/datasources/redis/event-log.js';
import { openTestRedis } from '../helpers/redis.js';
import { openPubSub } from '../helpers/redis-pubsub.js';
import { eventLogSuite } from './event-log.suite.js';

eventLogSuite('redis (streams)', async (options) => {
  const t = await openTestRedis();
  const pubsub = await openPubSub(t.prefix);
  return {
    port: { log: new RedisEventLog(t.redis, t.prefix, options), pubsub },
    close: async () => {
      await pubsub.close();
      await t.close();
    },
  };
});
