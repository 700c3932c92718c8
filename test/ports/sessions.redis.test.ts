import { describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../../src/datasources/redis/sessions.js';
import { openTestRedis } from '../helpers/redis.js';
import { sessionsSuite } from './sessions.suite.js';

sessionsSuite('redis', async () => {
  const own = await openTestRedis();
  return { port: new RedisSessionStore(own.redis, own.prefix), close: () => own.close() };
});

describe('SessionStore on Redis', () => {
  it('lets Redis expire the key itself, with the sliding lifetime as its TTL', async () => {
    const own = await openTestRedis();
    try {
      const sessions = new RedisSessionStore(own.redis, own.prefix);
      await sessions.create('ttl', { accountId: '65f000000000000000000001', role: 'USER' }, new Date(), 30);
      const [key] = await own.keys();
      expect(key).toBe(`${own.prefix}session:ttl`);
      const ttl = await own.redis.pttl(key ?? '');
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      await sessions.touch('ttl', new Date(), 600);
      expect(await own.redis.pttl(key ?? '')).toBeGreaterThan(590_000);
    } finally {
      await own.close();
    }
  });
});
