import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../logger.js';
import { OutageLog } from '../../outage-log.js';
import { redisOptionsFromUrl } from '../../redis-url.js';

/** One Redis server (or a Sentinel-managed one), or a Redis Cluster: what REDIS_URL names. */
export type RedisClient = Redis | Cluster;

/**
 * A Redis connection that fails fast instead of hanging: commands time out (not the 10 s
 * connect default), nothing queues while disconnected, and it keeps reconnecting in the
 * background so the features it backs heal when Redis returns. For a `redis-cluster://` URL it
 * is ioredis' Cluster, with the same per-node options: while a slot has no master (a failover),
 * commands on it fail at once too, and the features answer SERVICE_UNAVAILABLE until it has one.
 */
export function createRedis(
  url: string,
  overrides: RedisOptions = {},
  clusterOverrides: ClusterOptions = {},
): RedisClient {
  const { clusterNodes, ...endpoint } = redisOptionsFromUrl(url);
  const options: RedisOptions = {
    ...endpoint,
    connectTimeout: 2000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    lazyConnect: false,
    ...overrides,
  };
  if (clusterNodes === undefined) return new Redis(options);
  return new Cluster(clusterNodes, {
    redisOptions: options,
    enableOfflineQueue: options.enableOfflineQueue ?? false,
    clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    // Follows MOVED/ASK during a slot migration, and retries a command on a slot whose master
    // is being replaced a few times before it fails (bounded by the command timeout).
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    ...clusterOverrides,
  });
}

/**
 * The app's Redis command connection: waits up to `readyTimeoutMs` for it to be ready and
 * starts anyway if it is not (the features on Redis answer SERVICE_UNAVAILABLE or fall back
 * until it is). Connection errors are logged, throttled, instead of ioredis' unhandled-error
 * warning.
 */
export async function connectRedis(url: string, logger: Logger, readyTimeoutMs = 3000): Promise<RedisClient> {
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
export async function closeRedis(redis: RedisClient): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => undefined);
  }
  redis.disconnect();
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
