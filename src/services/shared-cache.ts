import type { CacheStats, DocumentCache } from '../datasources/ports/cache.js';
import type { Logger } from '../logger.js';
import { OutageLog } from '../outage-log.js';
import { decodeCached, encodeCached } from '../serializer.js';

/**
 * The shared cache as the services use it: read-through by id, invalidated by every write.
 * It never fails a request: when the cache does not answer, reads go to the store (and write
 * nothing back), and invalidations that could not be sent are retried before the next cache
 * read, so this instance never serves what it changed while Redis was away.
 */
export class SharedCache {
  private readonly outage: OutageLog;
  /** Keys whose invalidation failed; the cache is not read until they are sent. */
  private readonly pending = new Set<string>();

  constructor(
    private readonly cache: DocumentCache,
    private readonly ttlSeconds: number,
    logger: Logger,
  ) {
    this.outage = new OutageLog(logger, 'shared cache', 'reading from the document store');
  }

  /**
   * Values by id: cached ones from one cache read, the others from `load` (one store query),
   * then written back under the versions read, in one round trip. Missing ids are absent from
   * the map and never cached.
   */
  async byIds<T>(
    kind: string,
    ids: readonly string[],
    load: (ids: string[]) => Promise<T[]>,
    idOf: (value: T) => string,
  ): Promise<Map<string, T>> {
    const unique = [...new Set(ids)];
    const found = new Map<string, T>();
    if (unique.length === 0) return found;
    const keys = unique.map((id) => `${kind}:${id}`);
    const reads = (await this.flushPending()) ? await this.attempt(() => this.cache.getMany(keys)) : null;
    const missing = reads === null ? unique : unique.filter((_id, i) => reads[i]?.value == null);
    unique.forEach((id, i) => {
      const value = reads?.[i]?.value;
      if (value != null) found.set(id, decodeCached<T>(value));
    });
    if (missing.length === 0) return found;
    const loaded = await load(missing);
    for (const value of loaded) found.set(idOf(value), value);
    if (reads !== null) {
      const position = new Map(unique.map((id, i) => [id, i]));
      const entries = loaded.map((value) => {
        const i = position.get(idOf(value)) ?? -1;
        return { key: keys[i] ?? '', value: encodeCached(value), version: reads[i]?.version ?? '' };
      });
      await this.attempt(() => this.cache.setMany(entries, this.ttlSeconds));
    }
    return found;
  }

  /** Drops the cached values of these ids, on every instance. Never throws: see `pending`. */
  async invalidate(kind: string, ids: readonly string[]): Promise<void> {
    for (const id of ids) this.pending.add(`${kind}:${id}`);
    await this.flushPending();
  }

  stats(): CacheStats {
    return this.cache.stats();
  }

  /** Sends the pending invalidations; false while they cannot be sent. */
  private async flushPending(): Promise<boolean> {
    if (this.pending.size === 0) return true;
    const keys = [...this.pending];
    const sent = await this.attempt(async () => {
      await this.cache.invalidate(keys);
      return true;
    });
    if (sent === null) return false;
    for (const key of keys) this.pending.delete(key);
    return true;
  }

  private async attempt<R>(call: () => Promise<R>): Promise<R | null> {
    try {
      const result = await call();
      this.outage.ok();
      return result;
    } catch (error) {
      this.outage.failed(error);
      return null;
    }
  }
}
