import { describe, expect, it } from 'vitest';
import { RedisResponseCache } from '../../src/datasources/redis/response-cache.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { responseCacheSuite } from './response-cache.suite.js';

const cluster = useTestCluster();

responseCacheSuite('redis cluster', async () => {
  const own = await openTestRedis((await cluster()).url);
  return { port: new RedisResponseCache(own.redis, own.prefix), close: () => own.close() };
});

describe('response cache on a Redis Cluster', () => {
  it('keeps every key in the {rc} slot, so its scripts may touch them together', async () => {
    const own = await openTestRedis((await cluster()).url);
    try {
      const cache = new RedisResponseCache(own.redis, own.prefix);
      await cache.set('k', 'v', ['Customer:1', 'Order:2'], 60_000, (await cache.get('k')).generation);
      expect((await own.keys()).sort()).toEqual(
        [`${own.prefix}{rc}:e:k`, `${own.prefix}{rc}:t:Customer:1`, `${own.prefix}{rc}:t:Order:2`].sort(),
      );
      await cache.invalidate(['Order:2']);
      expect((await cache.get('k')).body).toBeNull();
    } finally {
      await own.close();
    }
  });
});
