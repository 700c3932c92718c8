import type { Config } from '../../config.js';
import { closeFamily, eventLogOptions, jobOptions, persistedQueryLimits } from '../family.js';
import type { KeyValueFamily } from '../ports/backends.js';
import { MemoryDocumentCache } from './cache.js';
import { MemoryCounters } from './counters.js';
import { MemoryEventLog } from './event-log.js';
import { MemoryJobQueue } from './jobs.js';
import { MemoryLeaderboards } from './leaderboards.js';
import { MemoryPersistedQueries } from './persisted-queries.js';
import { MemoryPresence } from './presence.js';
import { MemoryPubSub } from './pubsub.js';
import { createMemoryRateLimiter } from './rate-limiter.js';
import { MemoryResponseCache } from './response-cache.js';
import { MemorySessionStore } from './sessions.js';

/** The embedded default: every key-value backend in this process. */
export function createMemoryFamily(config: Config): KeyValueFamily {
  const pubsub = new MemoryPubSub();
  const events = new MemoryEventLog(eventLogOptions(config), pubsub);
  const parts = {
    counters: new MemoryCounters(),
    cache: new MemoryDocumentCache(),
    sessions: new MemorySessionStore(),
    rateLimiter: createMemoryRateLimiter,
    pubsub,
    leaderboards: new MemoryLeaderboards(events),
    events,
    jobs: new MemoryJobQueue(jobOptions(config)),
    presence: new MemoryPresence(config.PRESENCE_TTL_SECONDS * 1000),
    persistedQueries: new MemoryPersistedQueries(persistedQueryLimits(config)),
    responseCache: new MemoryResponseCache(),
  };
  return {
    family: 'memory',
    ...parts,
    serverStats: async () => null,
    probes: {},
    close: () => closeFamily(parts),
  };
}
