import type { SessionRecord } from './sessions.js';

/** A rate-limit key's state after a request was counted (or peeked at). */
export interface RateLimitDecision {
  /** False when this request went over the limit. */
  allowed: boolean;
  limit: number;
  /** Points left in the current window (0 when over). */
  remaining: number;
  /** When the window (or the block) ends and points are available again. */
  resetAt: Date;
}

export interface RateLimiterOptions {
  /** Distinguishes limiters sharing one store (`requests`, `login`). */
  name: string;
  points: number;
  durationSeconds: number;
  /** Once over the limit, refuse the key for this long (default: until the window ends). */
  blockSeconds?: number;
  /**
   * What happens when the shared store does not answer: `memory` counts in this process instead
   * (and logs it); `fail` throws UnavailableError.
   */
  whenStoreDown: 'memory' | 'fail';
}

/**
 * A fixed-window limiter (rate-limiter-flexible: an atomic Lua INCR on Redis, shared by every
 * instance; in-process on the embedded default).
 */
export interface RateLimiter {
  readonly points: number;
  /** Spends `points` (default 1) of the key atomically and returns the state after. */
  consume(key: string, points?: number): Promise<RateLimitDecision>;
  /** The key's state without spending anything. */
  peek(key: string): Promise<RateLimitDecision>;
  /** Gives back `points` (default 1) spent in the current window (a login that turned out right). */
  refund(key: string, points?: number): Promise<void>;
  /** Forgets the key's spending (a successful login clears its failures). */
  reset(key: string): Promise<void>;
  /**
   * Touches a session as SessionStore.touch does and spends one point of
   * `keys.account + <its account id>` when it is live, else of `keys.anonymous`, in one round
   * trip. Only where the limiter shares a server with the sessions (Redis) and has no block;
   * elsewhere callers touch, then consume.
   */
  consumeForSession?(
    sessionId: string,
    now: Date,
    ttlSeconds: number,
    keys: { account: string; anonymous: string },
  ): Promise<SessionSpend>;
}

/** What consumeForSession found and spent. */
export interface SessionSpend {
  /** The live session, slid; null when unknown or ended; `unavailable` when the store did not answer. */
  session: SessionRecord | null | 'unavailable';
  /** The key that paid. */
  key: string;
  decision: RateLimitDecision;
}

export type RateLimiterFactory = (options: RateLimiterOptions) => RateLimiter;
