import type { Config } from '../../config.js';
import type { DocumentCache } from './cache.js';
import type { Counters } from './counters.js';
import type { DocumentStore } from './documents.js';
import type { EventLog } from './event-log.js';
import type { JobQueue } from './jobs.js';
import type { Leaderboards } from './leaderboards.js';
import type { PersistedQueryStore } from './persisted-queries.js';
import type { PresenceStore } from './presence.js';
import type { PubSub } from './pubsub.js';
import type { RateLimiterFactory } from './rate-limiter.js';
import type { ResponseCacheStore } from './response-cache.js';
import type { KeyValueServerStats } from './server-stats.js';
import type { SessionStore } from './sessions.js';

/** A backend's probe for `GET /ready`: resolves when it answers. */
export type Probe = () => Promise<void>;

/**
 * Every backend but the documents, from one family: Redis when `REDIS_URL` is set, in-process
 * otherwise. Each family's `index.ts` builds all of it, so the choice is made once.
 */
export interface KeyValueFamily {
  readonly family: 'redis' | 'memory';
  counters: Counters;
  cache: DocumentCache;
  sessions: SessionStore;
  rateLimiter: RateLimiterFactory;
  pubsub: PubSub;
  leaderboards: Leaderboards;
  /** Leaderboard and job events kept for resuming (EVENT_RETENTION_SECONDS, EVENT_LOG_MAX_LENGTH). */
  events: EventLog;
  jobs: JobQueue;
  presence: PresenceStore;
  /** Automatic persisted queries' documents by hash, shared by every instance on Redis. */
  persistedQueries: PersistedQueryStore;
  /** Whole query responses, tagged by entity, shared by every instance on Redis. */
  responseCache: ResponseCacheStore;
  /** The key-value server's figures for `serverStats`; null in process. */
  serverStats(): Promise<KeyValueServerStats | null>;
  /** One probe per server the family talks to, by name (`redis`); none in process. */
  probes: Readonly<Record<string, Probe>>;
  close(): Promise<void>;
}

/** Every backend the app uses, created once at start and closed on shutdown. */
export interface Backends extends Omit<KeyValueFamily, 'probes'> {
  /** The settings the backends were built from; services take their lifetimes and limits here. */
  config: Config;
  /** The documents' store: MongoDB when `MONGODB_URL` is set, embedded otherwise. */
  documents: DocumentStore;
  /** In-process fan-out inside this instance (always in memory), e.g. one job feed to many streams. */
  localEvents: PubSub;
  /** One probe per server in use, by name (`documents`, and `redis` on Redis), for `GET /ready`. */
  readiness: Readonly<Record<string, Probe>>;
}
