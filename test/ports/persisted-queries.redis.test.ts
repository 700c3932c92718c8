import { describe, expect, it } from 'vitest';
import { RedisPersistedQueries } from '../../src/datasources/redis/persisted-queries.js';
import { openTestRedis } from '../helpers/redis.js';
import { persistedQueriesSuite } from './persisted-queries.suite.js';

persistedQueriesSuite('redis', async (limits) => {
  const own = await openTestRedis();
  return { port: new RedisPersistedQueries(own.redis, own.prefix, limits), close: () => own.close() };
});

describe('persisted queries on Redis', () => {
  it('stores each document under its own key with the TTL, refreshed by a read', async () => {
    const own = await openTestRedis();
    try {
      const store = new RedisPersistedQueries(own.redis, own.prefix, { ttlSeconds: 100, maxEntries: 1 });
      await store.set('h1', 'q1');
      await store.set('h2', 'q2');
      // maxEntries bounds the in-process store only: on Redis the TTL does.
      expect((await own.keys()).sort()).toEqual([`${own.prefix}apq:h1`, `${own.prefix}apq:h2`]);
      await own.redis.expire(`${own.prefix}apq:h1`, 5);
      expect(await store.get('h1')).toBe('q1');
      const ttl = await own.redis.ttl(`${own.prefix}apq:h1`);
      expect(ttl).toBeGreaterThan(90);
      expect(ttl).toBeLessThanOrEqual(100);
    } finally {
      await own.close();
    }
  });
});
