import calculateSlot from 'cluster-key-slot';
import { describe, expect, it, vi } from 'vitest';
import { RedisDocumentCache } from '../../src/datasources/redis/cache.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { sharedCacheSuite } from './shared-cache.suite.js';

const cluster = useTestCluster();

sharedCacheSuite('redis cluster', async () => {
  const own = await openTestRedis((await cluster()).url);
  return { port: new RedisDocumentCache(own.redis, own.prefix), close: () => own.close() };
});

describe('DocumentCache on a Redis Cluster', () => {
  it('keeps a value with its version in one slot, and reads a batch with one MGET per slot', async () => {
    const own = await openTestRedis((await cluster()).url);
    try {
      const cache = new RedisDocumentCache(own.redis, own.prefix);
      const keys = Array.from({ length: 25 }, (_v, i) => `doc${i}`);
      const reads = await cache.getMany(keys);
      await cache.setMany(
        keys.map((key, i) => ({ key, value: `v-${key}`, version: reads[i]?.version ?? '' })),
        60,
      );
      for (const key of keys)
        expect(calculateSlot(`${own.prefix}cache:v:{${key}}`)).toBe(
          calculateSlot(`${own.prefix}cache:g:{${key}}`),
        );
      const sent = vi.spyOn(own.redis, 'sendCommand');
      expect((await cache.getMany(keys)).map((r) => r.value)).toEqual(keys.map((k) => `v-${k}`));
      const mgets = sent.mock.calls.filter(([command]) => command.name === 'mget');
      expect(mgets).toHaveLength(new Set(keys.map((k) => calculateSlot(k))).size);
      sent.mockRestore();
      await cache.invalidate(keys);
      expect((await cache.getMany(keys)).map((r) => r.value)).toEqual(keys.map(() => null));
    } finally {
      await own.close();
    }
  });
});
