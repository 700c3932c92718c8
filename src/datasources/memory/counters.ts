import type { Counters } from '../ports/counters.js';

/** In-process counters for the embedded default (as Redis without persistence would keep them). */
export class MemoryCounters implements Counters {
  private readonly values = new Map<string, number>();

  async increment(key: string): Promise<number> {
    const next = (this.values.get(key) ?? 0) + 1;
    this.values.set(key, next);
    return next;
  }

  async get(keys: readonly string[]): Promise<number[]> {
    return keys.map((k) => this.values.get(k) ?? 0);
  }

  async *entries(): AsyncIterable<readonly [string, number]> {
    yield* [...this.values];
  }

  async set(entries: ReadonlyArray<readonly [string, number]>): Promise<void> {
    for (const [key, value] of entries) this.values.set(key, value);
  }

  async clear(): Promise<void> {
    this.values.clear();
  }

  async close(): Promise<void> {}
}
