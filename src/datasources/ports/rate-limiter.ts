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
}

export type RateLimiterFactory = (options: RateLimiterOptions) => RateLimiter;
