import { describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../../src/datasources/redis/sessions.js';
import { openTestRedis } from '../helpers/redis.js';
import { sessionsSuite } from './sessions.suite.js';

const owner = { accountId: '65f000000000000000000001', role: 'USER' } as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

sessionsSuite('redis', async () => {
  const own = await openTestRedis();
  return { port: new RedisSessionStore(own.redis, own.prefix), close: () => own.close() };
});

describe('SessionStore on Redis', () => {
  it('lets Redis expire the key itself, with the sliding lifetime as its TTL', async () => {
    const own = await openTestRedis();
    try {
      const sessions = new RedisSessionStore(own.redis, own.prefix);
      await sessions.create('ttl', owner, new Date(), 30);
      const key = `${own.prefix}session:ttl`;
      expect(await own.keys()).toContain(key);
      const ttl = await own.redis.pttl(key);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      await sessions.touch('ttl', new Date(), 600);
      expect(await own.redis.pttl(key)).toBeGreaterThan(590_000);
      // The account's index outlives the session it now holds longer.
      expect(await own.redis.pttl(`${own.prefix}account-sessions:${owner.accountId}`)).toBeGreaterThan(
        600_000,
      );
    } finally {
      await own.close();
    }
  });

  it("keeps an account's index of sessions only while one of them lives", async () => {
    const own = await openTestRedis();
    try {
      const sessions = new RedisSessionStore(own.redis, own.prefix);
      await sessions.create('gone', owner, new Date(), 60);
      await sessions.delete('gone');
      await sessions.create('short', owner, new Date(), 1);
      // The index drops ended sessions as new ones are made.
      expect(await own.redis.smembers(`${own.prefix}account-sessions:${owner.accountId}`)).toEqual(['short']);
      await sleep(2_200); // the index lives twice the session lifetime
      expect(await own.keys()).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
