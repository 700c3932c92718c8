import type { ResponseCacheRead, ResponseCacheStore } from '../ports/response-cache.js';

interface Entry {
  body: string;
  tags: readonly string[];
  expiresAt: number;
}

/** At most this many responses in process; the oldest stored first out. */
const MAX_ENTRIES = 10_000;

/** The response cache in this process (the embedded default: one instance, nothing to share). */
export class MemoryResponseCache implements ResponseCacheStore {
  private readonly entries = new Map<string, Entry>();
  private readonly byTag = new Map<string, Set<string>>();
  private generation = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<ResponseCacheRead> {
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.expiresAt <= this.now()) this.drop(key);
    const body = entry !== undefined && entry.expiresAt > this.now() ? entry.body : null;
    return { body, generation: String(this.generation) };
  }

  async set(key: string, body: string, tags: readonly string[], ttlMs: number, generation: string) {
    if (generation !== String(this.generation)) return false;
    this.drop(key);
    this.entries.set(key, { body, tags, expiresAt: this.now() + ttlMs });
    for (const tag of tags) {
      const keys = this.byTag.get(tag) ?? new Set<string>();
      keys.add(key);
      this.byTag.set(tag, keys);
    }
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.drop(oldest);
    }
    return true;
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    this.generation++;
    for (const tag of tags) for (const key of this.byTag.get(tag) ?? []) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }

  /** Responses kept (tests of the bound). */
  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.byTag.clear();
  }
}
