import { describe, expect, it } from 'vitest';
import { RedisResponseCache } from '../../src/datasources/redis/response-cache.js';
import { openTestRedis } from '../helpers/redis.js';
import { responseCacheSuite } from './response-cache.suite.js';

responseCacheSuite('redis', async () => {
  const own = await openTestRedis();
  return { port: new RedisResponseCache(own.redis, own.prefix), close: () => own.close() };
});

describe('response cache on Redis', () => {
  it('shares entries and invalidations between connections, with the TTL on each entry', async () => {
    const one = await openTestRedis();
    const two = await openTestRedis();
    try {
      const a = new RedisResponseCache(one.redis, one.prefix);
      const b = new RedisResponseCache(two.redis, one.prefix);
      await a.set('k', 'v', ['Customer:1'], 60_000, (await a.get('k')).generation);
      expect((await b.get('k')).body).toBe('v');
      const ttl = await one.redis.pttl(`${one.prefix}rc:e:k`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await b.invalidate(['Customer:1']);
      expect((await a.get('k')).body).toBeNull();
      expect(await one.keys()).toEqual([`${one.prefix}rc:gen`]);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
