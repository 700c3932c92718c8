import { describe, expect, it } from 'vitest';
import { RedisPresence } from '../../src/datasources/redis/presence.js';
import { openTestRedis } from '../helpers/redis.js';
import { presenceSuite } from './presence.suite.js';

presenceSuite('redis', async (ttlMs) => {
  const own = await openTestRedis();
  const presence = new RedisPresence(own.redis, own.prefix, ttlMs);
  return {
    port: presence,
    async close() {
      await presence.close();
      await own.close();
    },
  };
});

/** Runs `test` with two instances of one deployment (one Redis, one prefix), then cleans up. */
async function withTwoInstances(
  test: (a: RedisPresence, b: RedisPresence, keys: () => Promise<string[]>) => Promise<void>,
): Promise<void> {
  const own = await openTestRedis();
  try {
    await test(
      new RedisPresence(own.redis, own.prefix, 60_000),
      new RedisPresence(own.redis, own.prefix, 60_000),
      own.keys,
    );
  } finally {
    await own.close();
  }
}

describe('PresenceStore on Redis', () => {
  it('counts an account held by two instances once, until both let it go', () =>
    withTwoInstances(async (a, b) => {
      await a.refresh(['x', 'y']);
      await b.refresh(['x']);
      expect(await b.count()).toBe(2);
      await a.remove('x');
      expect(await a.count()).toBe(2);
      await b.remove('x');
      expect(await a.count()).toBe(1);
    }));

  it("removes only the closing instance's entries", () =>
    withTwoInstances(async (a, b, keys) => {
      await a.refresh(['x', 'y']);
      await b.refresh(['y', 'z']);
      await a.close();
      expect(await b.count()).toBe(2);
      await b.close();
      expect(await b.count()).toBe(0);
      expect(await keys()).toEqual([]);
    }));
});
