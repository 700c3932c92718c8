import type { CacheRead, CacheStats, DocumentCache } from '../ports/cache.js';

/**
 * The embedded shared cache: one process, so "shared" means shared by its requests. Entries
 * expire like Redis keys; the oldest are evicted past `maxEntries`.
 */
export class MemoryDocumentCache implements DocumentCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly versions = new Map<string, number>();
  /** The version of a key never invalidated (or forgotten): raised when versions are pruned. */
  private floor = 0;
  private next = 1;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxVersions = 100_000,
  ) {}

  private version(key: string): string {
    return String(this.versions.get(key) ?? this.floor);
  }

  async getMany(keys: readonly string[]): Promise<CacheRead[]> {
    const now = Date.now();
    return keys.map((key) => {
      const entry = this.entries.get(key);
      let value: string | null = null;
      if (entry !== undefined && entry.expiresAt > now) value = entry.value;
      else if (entry !== undefined) this.entries.delete(key);
      if (value === null) this.misses += 1;
      else this.hits += 1;
      return { value, version: this.version(key) };
    });
  }

  async setMany(
    entries: ReadonlyArray<{ key: string; value: string; version: string }>,
    ttlSeconds: number,
  ): Promise<void> {
    const expiresAt = Date.now() + ttlSeconds * 1000;
    for (const { key, value, version } of entries) {
      if (this.version(key) !== version) continue;
      this.entries.delete(key); // re-insert at the end: eviction takes the oldest first
      this.entries.set(key, { value, expiresAt });
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    if (this.versions.size + keys.length > this.maxVersions) {
      // Forgetting versions is safe only if every version read before now stops matching.
      this.versions.clear();
      this.floor = this.next++;
    }
    for (const key of keys) {
      this.entries.delete(key);
      this.versions.set(key, this.next++);
    }
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses };
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
