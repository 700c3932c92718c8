/** How long and how many documents a persisted-query store keeps. */
export interface PersistedQueryLimits {
  /** A document unused for this long is forgotten (a client then registers it again). */
  ttlSeconds: number;
  /** Documents kept at most, least recently used dropped first (the in-process store). */
  maxEntries: number;
}

/**
 * The documents of automatic persisted queries by their SHA-256 hash, shared by every instance
 * on Redis. Bounded: each entry expires after `ttlSeconds` without use; the caller bounds each
 * document's size before `set`.
 */
export interface PersistedQueryStore {
  /** The document registered under this hash, or null (never registered, or expired). */
  get(hash: string): Promise<string | null>;
  /** Registers a document under its (already verified) hash. */
  set(hash: string, document: string): Promise<void>;
  close(): Promise<void>;
}
