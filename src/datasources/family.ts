import type { Config } from '../config.js';
import type { DocumentCache } from './ports/cache.js';
import type { Counters } from './ports/counters.js';
import type { JobQueue, JobQueueOptions } from './ports/jobs.js';
import type { Leaderboards } from './ports/leaderboards.js';
import type { PresenceStore } from './ports/presence.js';
import type { PubSub } from './ports/pubsub.js';
import type { RateLimiterFactory } from './ports/rate-limiter.js';
import type { KeyValueServerStats } from './ports/server-stats.js';
import type { SessionStore } from './ports/sessions.js';

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
  jobs: JobQueue;
  presence: PresenceStore;
  /** The key-value server's figures for `serverStats`; null in process. */
  serverStats(): Promise<KeyValueServerStats | null>;
  /** One probe per server the family talks to, by name (`redis`); none in process. */
  probes: Readonly<Record<string, Probe>>;
  close(): Promise<void>;
}

/** Finished jobs (and their results) are kept 24 h. */
export const KEEP_JOBS_SECONDS = 24 * 60 * 60;

export function jobOptions(config: Config): JobQueueOptions {
  return { attempts: config.JOB_ATTEMPTS, backoffMs: config.JOB_BACKOFF_MS, keepSeconds: KEEP_JOBS_SECONDS };
}

/** Closes the parts in dependency order: job feeds and presence first, then pub/sub and boards. */
export async function closeFamily(
  parts: Omit<KeyValueFamily, 'close' | 'family' | 'serverStats' | 'probes'>,
) {
  await Promise.all([parts.jobs.close(), parts.presence.close()]);
  await Promise.all([parts.pubsub.close(), parts.leaderboards.close()]);
  await Promise.all([parts.counters.close(), parts.cache.close(), parts.sessions.close()]);
}
