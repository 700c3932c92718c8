import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisDocumentCache } from '../../src/datasources/redis/cache.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';
import { sharedCacheSuite } from './shared-cache.suite.js';

sharedCacheSuite('redis', async () => {
  const own = await openTestRedis();
  return { port: new RedisDocumentCache(own.redis, own.prefix), close: () => own.close() };
});

describe('DocumentCache on Redis', () => {
  let redis: TestRedis | undefined;
  afterEach(async () => {
    await redis?.close();
    redis = undefined;
  });

  it('reads a batch in one round trip and writes it back in another', async () => {
    redis = await openTestRedis();
    const cache = new RedisDocumentCache(redis.redis, redis.prefix);
    const sent = vi.spyOn(redis.redis, 'sendCommand');
    const keys = Array.from({ length: 25 }, (_v, i) => `doc${i}`);
    const reads = await cache.getMany(keys);
    expect(sent.mock.calls.map(([command]) => command.name)).toEqual(['mget']);
    sent.mockClear();
    await cache.setMany(
      keys.map((key, i) => ({ key, value: key, version: reads[i]?.version ?? '' })),
      60,
    );
    expect(sent).toHaveBeenCalledTimes(1);
    expect((await cache.getMany(keys)).every((r, i) => r.value === keys[i])).toBe(true);
  });

  it('shares entries and invalidations between connections', async () => {
    redis = await openTestRedis();
    const other = await openTestRedis();
    try {
      const a = new RedisDocumentCache(redis.redis, redis.prefix);
      const b = new RedisDocumentCache(other.redis, redis.prefix);
      const [read] = await a.getMany(['shared']);
      await a.setMany([{ key: 'shared', value: 'v', version: read?.version ?? '' }], 60);
      expect((await b.getMany(['shared']))[0]?.value).toBe('v');
      await b.invalidate(['shared']);
      expect((await a.getMany(['shared']))[0]?.value).toBeNull();
    } finally {
      await other.close();
    }
  });
});
