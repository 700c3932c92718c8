import type { Tracer } from '@opentelemetry/api';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { closeFamily, eventLogOptions, jobOptions, persistedQueryLimits } from '../family.js';
import type { KeyValueFamily } from '../ports/backends.js';
import { RedisDocumentCache } from './cache.js';
import { closeRedis, connectRedis } from './client.js';
import { RedisCounters } from './counters.js';
import { redisCall } from './errors.js';
import { RedisEventLog } from './event-log.js';
import { BullJobQueue } from './jobs.js';
import { RedisLeaderboards } from './leaderboards.js';
import { RedisPersistedQueries } from './persisted-queries.js';
import { RedisPresence } from './presence.js';
import { RedisPubSub } from './pubsub.js';
import { createRedisRateLimiterFactory } from './rate-limiter.js';
import { RedisResponseCache } from './response-cache.js';
import { readRedisStats } from './server-stats.js';
import { RedisSessionStore } from './sessions.js';
import { traceRedisCommands } from './tracing.js';

/**
 * Every key-value backend on Redis, under `REDIS_PREFIX`: pub/sub on two connections of its own,
 * BullMQ on its own, the rest on one command connection that never leaves this family.
 */
export async function connectRedisFamily(
  config: Config,
  url: string,
  logger: Logger,
  tracer?: Tracer,
): Promise<KeyValueFamily> {
  const redis = await connectRedis(url, logger);
  // Spans for the command connection, which every request-path feature uses; pub/sub and BullMQ
  // keep their own connections untraced.
  if (tracer !== undefined) traceRedisCommands(redis, tracer);
  const prefix = config.REDIS_PREFIX;
  const events = new RedisEventLog(redis, prefix, eventLogOptions(config));
  const parts = {
    counters: new RedisCounters(redis, prefix),
    cache: new RedisDocumentCache(redis, prefix),
    sessions: new RedisSessionStore(redis, prefix),
    rateLimiter: createRedisRateLimiterFactory(redis, prefix, logger),
    pubsub: new RedisPubSub(url, prefix, logger),
    leaderboards: new RedisLeaderboards(redis, prefix, events, config.REDIS_REPLICA_WAIT_MS),
    events,
    jobs: new BullJobQueue({ ...jobOptions(config), url, redis, prefix, lockMs: config.JOB_LOCK_MS }, logger),
    presence: new RedisPresence(redis, prefix, config.PRESENCE_TTL_SECONDS * 1000),
    persistedQueries: new RedisPersistedQueries(redis, prefix, persistedQueryLimits(config)),
    responseCache: new RedisResponseCache(redis, prefix),
  };
  return {
    family: 'redis',
    ...parts,
    serverStats: () => readRedisStats(redis),
    probes: { redis: async () => void (await redisCall('Redis', () => redis.ping())) },
    async close() {
      await closeFamily(parts);
      await closeRedis(redis);
    },
  };
}
