import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection that fails fast instead of hanging: commands time out (not the 10 s
 * connect default), nothing queues while disconnected, and it keeps reconnecting in the
 * background so the features it backs heal when Redis returns.
 */
export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectTimeout: 2000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    lazyConnect: false,
    ...overrides,
  });
}
