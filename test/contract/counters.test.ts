import { describe, expect, it } from 'vitest';
import { MemoryCounters } from '../../src/datasources/memory/counters.js';
import type { Counters } from '../../src/datasources/ports/counters.js';
import { RedisCounters } from '../../src/datasources/redis/counters.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';
import { openTestRedis } from '../helpers/redis.js';

/** The Counters contract, run against every implementation. */
function countersSuite(name: string, make: () => Promise<MadePort<Counters>>) {
  describe(`Counters (${name})`, () => {
    const open = freshPort(make);

    it('counts up from one and reads values in key order, 0 for a key never counted', async () => {
      const counters = await open();
      expect(await counters.increment('a')).toBe(1);
      expect(await counters.increment('a')).toBe(2);
      expect(await counters.increment('b')).toBe(1);
      expect(await counters.get(['b', 'unknown', 'a'])).toEqual([1, 0, 2]);
      expect(await counters.get([])).toEqual([]);
    });

    it('loses no increment when many race', async () => {
      const counters = await open();
      const results = await Promise.all(Array.from({ length: 200 }, () => counters.increment('race')));
      expect(new Set(results).size).toBe(200);
      expect(await counters.get(['race'])).toEqual([200]);
    });
  });
}

countersSuite('embedded', async () => {
  const counters = new MemoryCounters();
  return { port: counters, close: () => counters.close() };
});

countersSuite('redis', async () => {
  const own = await openTestRedis();
  return { port: new RedisCounters(own.redis, own.prefix), close: () => own.close() };
});

describe('Counters on Redis', () => {
  it('shares counts between connections (INCR on one key)', async () => {
    const one = await openTestRedis();
    const two = await openTestRedis();
    try {
      const a = new RedisCounters(one.redis, one.prefix);
      const b = new RedisCounters(two.redis, one.prefix);
      await a.increment('views');
      await b.increment('views');
      expect(await a.get(['views'])).toEqual([2]);
      expect(await one.redis.get(`${one.prefix}counter:views`)).toBe('2');
    } finally {
      await two.close();
      await one.close();
    }
  });
});
