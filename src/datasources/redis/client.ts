import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../logger.js';
import { OutageLog } from '../../outage-log.js';
import { redisOptionsFromUrl } from '../../redis-url.js';

/**
 * A Redis connection that fails fast instead of hanging: commands time out (not the 10 s
 * connect default), nothing queues while disconnected, and it keeps reconnecting in the
 * background so the features it backs heal when Redis returns.
 */
export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis({
    ...redisOptionsFromUrl(url),
    connectTimeout: 2000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    lazyConnect: false,
    ...overrides,
  });
}

/**
 * The app's Redis command connection: waits up to `readyTimeoutMs` for it to be ready and
 * starts anyway if it is not (the features on Redis answer SERVICE_UNAVAILABLE or fall back
 * until it is). Connection errors are logged, throttled, instead of ioredis' unhandled-error
 * warning.
 */
export async function connectRedis(url: string, logger: Logger, readyTimeoutMs = 3000): Promise<Redis> {
  const redis = createRedis(url);
  const outage = new OutageLog(logger, 'Redis', 'features on Redis degrade until it answers');
  redis.on('error', (error: unknown) => outage.failed(error));
  redis.on('ready', () => outage.ok());
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), readyTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (!ready) logger.warn({ url: redactUrl(url) }, 'Redis is not answering yet; starting without it');
  return redis;
}

/** Closes a connection made by createRedis, whether or not it is connected now. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => undefined);
  }
  redis.disconnect();
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
