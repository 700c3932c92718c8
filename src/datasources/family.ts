import { type Config, JOB_RETENTION_SECONDS } from '../config.js';
import type { KeyValueFamily } from './ports/backends.js';
import type { EventLogOptions } from './ports/event-log.js';
import type { JobQueueOptions } from './ports/jobs.js';
import type { PersistedQueryLimits } from './ports/persisted-queries.js';

export function eventLogOptions(config: Config): EventLogOptions {
  return { retentionSeconds: config.EVENT_RETENTION_SECONDS, maxLength: config.EVENT_LOG_MAX_LENGTH };
}

export function jobOptions(config: Config): JobQueueOptions {
  return {
    attempts: config.JOB_ATTEMPTS,
    backoffMs: config.JOB_BACKOFF_MS,
    keepSeconds: JOB_RETENTION_SECONDS,
  };
}

export function persistedQueryLimits(config: Config): PersistedQueryLimits {
  return { ttlSeconds: config.APQ_TTL_SECONDS, maxEntries: config.APQ_MAX_ENTRIES };
}

/** Closes the parts in dependency order: job feeds and presence first, then pub/sub and boards. */
export async function closeFamily(
  parts: Omit<KeyValueFamily, 'close' | 'family' | 'serverStats' | 'probes'>,
) {
  await Promise.all([parts.jobs.close(), parts.presence.close()]);
  await Promise.all([parts.pubsub.close(), parts.leaderboards.close(), parts.events.close()]);
  await Promise.all([
    parts.counters.close(),
    parts.cache.close(),
    parts.sessions.close(),
    parts.persistedQueries.close(),
  ]);
}
