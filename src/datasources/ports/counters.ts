/** Counters kept apart from documents (Redis INCR on the Redis backend). */
export interface Counters {
  /** Adds one and returns the new value. */
  increment(key: string): Promise<number>;
  /** Current values in key order, 0 for a key never incremented. */
  get(keys: readonly string[]): Promise<number[]>;
  /** Every counter and its value, streamed (backups). */
  entries(): AsyncIterable<readonly [key: string, value: number]>;
  /** Sets counters to the given values (restores). */
  set(entries: ReadonlyArray<readonly [key: string, value: number]>): Promise<void>;
  /** Removes every counter (restore with --drop). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
