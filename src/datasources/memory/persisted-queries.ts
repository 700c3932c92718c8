import type { PersistedQueryLimits, PersistedQueryStore } from '../ports/persisted-queries.js';

interface Entry {
  document: string;
  expiresAt: number;
}

/**
 * Persisted queries in this process: a Map in least-recently-used order (a read moves its entry
 * to the end), the oldest dropped past `maxEntries`. Hand-written: the few lines of an LRU over
 * Map's insertion order cost less than a dependency in the datasource layer.
 */
export class MemoryPersistedQueries implements PersistedQueryStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limits: PersistedQueryLimits,
    private readonly now: () => number = Date.now,
  ) {}

  async get(hash: string): Promise<string | null> {
    const entry = this.entries.get(hash);
    if (entry === undefined) return null;
    this.entries.delete(hash);
    if (entry.expiresAt <= this.now()) return null;
    entry.expiresAt = this.now() + this.limits.ttlSeconds * 1000;
    this.entries.set(hash, entry);
    return entry.document;
  }

  async set(hash: string, document: string): Promise<void> {
    this.entries.delete(hash);
    this.entries.set(hash, { document, expiresAt: this.now() + this.limits.ttlSeconds * 1000 });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** How many documents are kept (tests of the bound). */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
