import { describe, expect, it } from 'vitest';
import { RedisCounters } from '../../src/datasources/redis/counters.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { countersSuite } from './counters.suite.js';

const cluster = useTestCluster();

countersSuite('redis cluster', async () => {
  const own = await openTestRedis((await cluster()).url);
  return { port: new RedisCounters(own.redis, own.prefix), close: () => own.close() };
});

describe('Counters on a Redis Cluster', () => {
  it('keeps each counter under its own name, spread over the masters, and reads them all at once', async () => {
    const own = await openTestRedis((await cluster()).url);
    try {
      const counters = new RedisCounters(own.redis, own.prefix);
      const names = Array.from({ length: 30 }, (_v, i) => `c${i}`);
      for (const [i, name] of names.entries())
        for (let n = 0; n <= i % 3; n++) await counters.increment(name);
      expect(await counters.get(names)).toEqual(names.map((_n, i) => (i % 3) + 1));
      const owners = new Set(
        await Promise.all(
          names.map(async (n) => (await (await cluster()).masterOf(`${own.prefix}counter:${n}`)).port),
        ),
      );
      expect(owners.size).toBe(3);
      expect(await own.redis.get(`${own.prefix}counter:c2`)).toBe('3');
    } finally {
      await own.close();
    }
  });

  it('lists, sets and clears counters on every master (what a backup and a restore use)', async () => {
    const own = await openTestRedis((await cluster()).url);
    try {
      const counters = new RedisCounters(own.redis, own.prefix);
      const entries = Array.from({ length: 20 }, (_v, i) => [`k${i}`, i + 1] as const);
      await counters.set(entries);
      const listed: Array<readonly [string, number]> = [];
      for await (const entry of counters.entries()) listed.push(entry);
      expect(listed.sort((a, b) => a[1] - b[1])).toEqual(entries);
      await counters.clear();
      expect(await own.keys()).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
