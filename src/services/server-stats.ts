import type { DocumentStore, StoreStats } from '../datasources/ports/documents.js';
import type { KeyValueServerStats } from '../datasources/ports/server-stats.js';
import type { SharedCache } from './shared-cache.js';

export interface ServerStats {
  redis: KeyValueServerStats | null;
  mongo: StoreStats;
  cache: { hits: number; misses: number; hitRate: number | null };
}

/** `serverStats`: the Redis server, the document store and the shared cache, read together. */
export class ServerStatsService {
  constructor(
    private readonly documents: DocumentStore,
    private readonly redisStats: () => Promise<KeyValueServerStats | null>,
    private readonly cache: SharedCache,
  ) {}

  async read(): Promise<ServerStats> {
    const [redis, mongo] = await Promise.all([this.redisStats(), this.documents.stats()]);
    const { hits, misses } = this.cache.stats();
    const reads = hits + misses;
    return { redis, mongo, cache: { hits, misses, hitRate: reads === 0 ? null : hits / reads } };
  }
}
