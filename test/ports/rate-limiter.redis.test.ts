import { describe, expect, it } from 'vitest';
import { createRedisRateLimiterFactory } from '../../src/datasources/redis/rate-limiter.js';
import { createLogger } from '../../src/logger.js';
import { openTestRedis } from '../helpers/redis.js';
import { rateLimiterSuite } from './rate-limiter.suite.js';

rateLimiterSuite('redis', async () => {
  const own = await openTestRedis();
  return {
    port: createRedisRateLimiterFactory(own.redis, own.prefix, createLogger('silent')),
    close: () => own.close(),
  };
});

describe('RateLimiter on Redis', () => {
  it('shares one budget between instances', async () => {
    const one = await openTestRedis();
    const two = await openTestRedis();
    try {
      const options = { name: 'shared', points: 4, durationSeconds: 60, whenStoreDown: 'fail' } as const;
      const a = createRedisRateLimiterFactory(one.redis, one.prefix, createLogger('silent'))(options);
      const b = createRedisRateLimiterFactory(two.redis, one.prefix, createLogger('silent'))(options);
      const decisions = await Promise.all([a, b, a, b, a, b].map((l) => l.consume('caller')));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(4);
      expect(await one.keys()).toEqual([`${one.prefix}rl:shared:caller`]);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
