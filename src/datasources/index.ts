import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MemoryDocumentCache } from './memory/cache.js';
import { MemoryCounters } from './memory/counters.js';
import { MemoryDocumentStore } from './memory/documents.js';
import { createMemoryRateLimiter } from './memory/rate-limiter.js';
import { MemorySessionStore } from './memory/sessions.js';
import { MongoDocumentStore } from './mongo/documents.js';
import type { DocumentCache } from './ports/cache.js';
import type { Counters } from './ports/counters.js';
import type { DocumentStore } from './ports/documents.js';
import type { RateLimiterFactory } from './ports/rate-limiter.js';
import type { KeyValueServerStats } from './ports/server-stats.js';
import type { SessionStore } from './ports/sessions.js';
import { inProcessRealtime, type Realtime, redisRealtime } from './realtime.js';
import { RedisDocumentCache } from './redis/cache.js';
import { closeRedis, connectRedis } from './redis/client.js';
import { RedisCounters } from './redis/counters.js';
import { createRedisRateLimiterFactory } from './redis/rate-limiter.js';
import { readRedisStats } from './redis/server-stats.js';
import { RedisSessionStore } from './redis/sessions.js';

/** Every backend the app uses, created once at start and closed on shutdown. */
export interface Backends {
  /** The settings the backends were built from; services take their lifetimes and limits here. */
  config: Config;
  documents: DocumentStore;
  counters: Counters;
  cache: DocumentCache;
  sessions: SessionStore;
  rateLimiter: RateLimiterFactory;
  /**
   * The Redis command connection when `REDIS_URL` is set (keys under `config.REDIS_PREFIX`), else
   * null. Closed by `close()`; a feature that needs its own connection (a subscriber) duplicates it.
   */
  redis: Redis | null;
  /** Pub/sub, leaderboards, the job queue and presence. */
  realtime: Realtime;
  /** The Redis server's figures for `serverStats`; null on the embedded default. */
  redisStats(): Promise<KeyValueServerStats | null>;
  close(): Promise<void>;
}

/** Picks each backend from the settings: MongoDB / Redis when their URL is set, embedded otherwise. */
export async function createBackends(config: Config, logger: Logger): Promise<Backends> {
  const documents =
    config.MONGODB_URL === undefined
      ? MemoryDocumentStore.open(config.DATA_DIR === ':memory:' ? null : config.DATA_DIR)
      : await MongoDocumentStore.connect(config.MONGODB_URL, config.MONGODB_DB, {
          maxTimeMS: config.QUERY_TIMEOUT_MS,
        });
  logger.info({ documents: documents.kind }, 'document store ready');
  if (config.REDIS_URL === undefined) return inProcessBackends(documents, config);
  const redis = await connectRedis(config.REDIS_URL, logger);
  const prefix = config.REDIS_PREFIX;
  const realtime = redisRealtime(config, config.REDIS_URL, redis, logger);
  return {
    config,
    documents,
    counters: new RedisCounters(redis, prefix),
    cache: new RedisDocumentCache(redis, prefix),
    sessions: new RedisSessionStore(redis, prefix),
    rateLimiter: createRedisRateLimiterFactory(redis, prefix, logger),
    redis,
    realtime,
    redisStats: () => readRedisStats(redis),
    async close() {
      await realtime.close();
      await closeRedis(redis);
      await documents.close();
    },
  };
}

/**
 * The embedded in-process services (counters, cache, sessions, limiters) over a document store
 * built elsewhere, e.g. a test's instrumented MongoDB store. `close()` closes them and the store.
 */
export function inProcessBackends(documents: DocumentStore, config: Config): Backends {
  const counters = new MemoryCounters();
  const cache = new MemoryDocumentCache();
  const sessions = new MemorySessionStore();
  const realtime = inProcessRealtime(config);
  return {
    config,
    documents,
    counters,
    cache,
    sessions,
    rateLimiter: createMemoryRateLimiter,
    redis: null,
    realtime,
    redisStats: async () => null,
    async close() {
      await realtime.close();
      await Promise.all([counters.close(), cache.close(), sessions.close()]);
      await documents.close();
    },
  };
}
