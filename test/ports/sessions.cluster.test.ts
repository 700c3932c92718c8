import { describe, expect, it } from 'vitest';
import { RedisSessionStore } from '../../src/datasources/redis/sessions.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { sessionsSuite } from './sessions.suite.js';

const cluster = useTestCluster();
const owner = { accountId: '65f000000000000000000001', role: 'USER' } as const;

sessionsSuite('redis cluster', async () => {
  const own = await openTestRedis((await cluster()).url);
  return { port: new RedisSessionStore(own.redis, own.prefix), close: () => own.close() };
});

describe('SessionStore on a Redis Cluster', () => {
  it('keeps the key names of one server, and ends sessions living on other masters than their index', async () => {
    const c = await cluster();
    const own = await openTestRedis(c.url);
    try {
      const sessions = new RedisSessionStore(own.redis, own.prefix);
      const ids = Array.from({ length: 12 }, (_v, i) => `s${i}`);
      for (const id of ids) await sessions.create(id, owner, new Date(), 60);
      const masters = new Set(
        await Promise.all(ids.map(async (id) => (await c.masterOf(`${own.prefix}session:${id}`)).port)),
      );
      expect(masters.size).toBeGreaterThan(1);
      expect((await own.keys()).sort()).toEqual(
        [
          `${own.prefix}account-sessions:${owner.accountId}`,
          ...ids.map((id) => `${own.prefix}session:${id}`),
        ].sort(),
      );
      expect(await sessions.endAll(owner.accountId, 's0')).toBe(11);
      expect(await sessions.touch('s0', new Date(), 60)).not.toBeNull();
      expect(await sessions.touch('s1', new Date(), 60)).toBeNull();
    } finally {
      await own.close();
    }
  });
});
