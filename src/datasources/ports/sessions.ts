export type Role = 'USER' | 'ADMIN';

/** A signed-in session, stored under the SHA-256 of its token (never the token itself). */
export interface SessionRecord {
  accountId: string;
  role: Role;
  createdAt: Date;
  lastActivityAt: Date;
  /** `lastActivityAt` + the session lifetime: the expiry slides with every use. */
  expiresAt: Date;
}

/**
 * Sessions with a sliding expiry (a Redis hash with a TTL on the Redis backend), indexed by
 * account. `id` is the token's SHA-256, computed by the caller. Errors of the store are
 * UnavailableError.
 */
export interface SessionStore {
  /** Stores a new session that expires `ttlSeconds` after `now`. */
  create(
    id: string,
    owner: { accountId: string; role: Role },
    now: Date,
    ttlSeconds: number,
  ): Promise<SessionRecord>;
  /**
   * Returns the session with its last activity moved to `now` and its expiry to `now` +
   * `ttlSeconds`, atomically; null when it is unknown, expired or deleted.
   */
  touch(id: string, now: Date, ttlSeconds: number): Promise<SessionRecord | null>;
  /** Ends a session; true when there was one. */
  delete(id: string): Promise<boolean>;
  /**
   * Ends every live session of an account but `keep` (the caller's own, on a password change);
   * returns how many ended. A session created while it runs may live on.
   */
  endAll(accountId: string, keep?: string): Promise<number>;
  close(): Promise<void>;
}
