import { createRedisRateLimiterFactory } from '../../src/datasources/redis/rate-limiter.js';
import { createLogger } from '../../src/logger.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { rateLimiterSuite } from './rate-limiter.suite.js';

const cluster = useTestCluster();

rateLimiterSuite('redis cluster', async () => {
  const own = await openTestRedis((await cluster()).url);
  return {
    port: createRedisRateLimiterFactory(own.redis, own.prefix, createLogger('silent')),
    close: () => own.close(),
  };
});
