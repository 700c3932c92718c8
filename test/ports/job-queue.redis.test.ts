import { inject } from 'vitest';
import { BullJobQueue } from '../../src/datasources/redis/jobs.js';
import { createLogger } from '../../src/logger.js';
import { openTestRedis } from '../helpers/redis.js';
import { jobQueueSuite } from './job-queue.suite.js';

jobQueueSuite('redis (BullMQ)', async (options) => {
  const t = await openTestRedis();
  const queue = new BullJobQueue(
    { ...options, url: inject('redisUrl'), redis: t.redis, prefix: t.prefix, lockMs: 30_000 },
    createLogger('silent'),
  );
  return {
    queue,
    async close() {
      await queue.close();
      await t.close();
    },
  };
});
