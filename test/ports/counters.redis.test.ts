import { describe, expect, it } from 'vitest';
import { RedisCounters } from '../../src/datasources/redis/counters.js';
import { openTestRedis } from '../helpers/redis.js';
import { countersSuite } from './counters.suite.js';

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
