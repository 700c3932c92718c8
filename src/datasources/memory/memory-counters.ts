import type { Counters } from '../ports.js';

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

  async close(): Promise<void> {}
}
