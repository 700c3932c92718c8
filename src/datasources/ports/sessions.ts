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
  /** When the session expires as of now, without using it (no slide); null when it is gone. */
  expiry(id: string): Promise<Date | null>;
  close(): Promise<void>;
}

/**
 * Sessions that ended, as an event to every instance's open subscriptions (topic
 * `sessionEnded`): one session, or every session of an account but `keep` that began by `at`.
 */
export interface SessionEnd {
  accountId: string;
  /** The one session that ended (logout); null: every session of the account (but `keep`). */
  sessionId: string | null;
  keep: string | null;
  /** Epoch ms of the end: a session created after it lives on. */
  at: number;
}
