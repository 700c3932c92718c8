import { describe, expect, it } from 'vitest';
import { BullJobQueue } from '../../src/datasources/redis/jobs.js';
import { scanTargets } from '../../src/datasources/redis/slots.js';
import { createLogger } from '../../src/logger.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { jobQueueSuite } from './job-queue.suite.js';

const cluster = useTestCluster();

jobQueueSuite('redis cluster (BullMQ)', async (options) => {
  const c = await cluster();
  const t = await openTestRedis(c.url);
  const queue = new BullJobQueue(
    { ...options, url: c.url, redis: t.redis, prefix: t.prefix, lockMs: 30_000 },
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

describe('Jobs on a Redis Cluster', () => {
  it('keeps every key of the queue under the {prefix} hash tag, so on one master', async () => {
    const c = await cluster();
    const t = await openTestRedis(c.url);
    const queue = new BullJobQueue(
      {
        attempts: 1,
        backoffMs: 10,
        keepSeconds: 60,
        url: c.url,
        redis: t.redis,
        prefix: t.prefix,
        lockMs: 30_000,
      },
      createLogger('silent'),
    );
    try {
      await queue.enqueue('echo', { n: 1 });
      const keys: string[] = [];
      for (const node of scanTargets(t.redis)) keys.push(...(await node.keys(`{${t.prefix}*`)));
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(`{${t.prefix}bull}:jobs:`)).toBe(true);
    } finally {
      await queue.close();
      await t.close();
    }
  });
});
