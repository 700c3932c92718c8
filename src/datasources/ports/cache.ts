/** Hits and misses of the shared cache counted by this process since it started. */
export interface CacheStats {
  hits: number;
  misses: number;
}

/** One key as read from the cache: its value (null on a miss) and the version to write back under. */
export interface CacheRead {
  value: string | null;
  /** Opaque; changes whenever the key is invalidated. */
  version: string;
}

/**
 * The shared cache under the by-id reads (Redis on the Redis backend, so every instance sees
 * the same entries; in-process on the embedded default). Values are opaque strings (the
 * serializer's output). Versions make write-backs safe: a value loaded from the store is written
 * back only if its key was not invalidated since `getMany` read it, so a read that raced a write
 * cannot put the old document back.
 */
export interface DocumentCache {
  /** Reads every key in one round trip (Redis MGET); results in key order. Counts hits and misses. */
  getMany(keys: readonly string[]): Promise<CacheRead[]>;
  /**
   * Writes back values loaded from the store, each for `ttlSeconds`, in one round trip. An entry
   * whose key was invalidated since its `version` was read is dropped.
   */
  setMany(
    entries: ReadonlyArray<{ key: string; value: string; version: string }>,
    ttlSeconds: number,
  ): Promise<void>;
  /** Removes the keys and moves their versions, in one round trip. */
  invalidate(keys: readonly string[]): Promise<void>;
  stats(): CacheStats;
  close(): Promise<void>;
}
