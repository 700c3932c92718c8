import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitDecision, RateLimiter, RateLimiterOptions } from '../ports/rate-limiter.js';

/** The port over one rate-limiter-flexible limiter (any store). Store errors are rethrown as they are. */
export function adaptLimiter(limiter: RateLimiterAbstract, points: number): RateLimiter {
  const decision = (res: RateLimiterRes, allowed: boolean): RateLimitDecision => ({
    allowed,
    limit: points,
    remaining: allowed ? res.remainingPoints : 0,
    resetAt: new Date(Date.now() + Math.max(0, res.msBeforeNext)),
  });
  return {
    points,
    async consume(key, spend = 1) {
      try {
        return decision(await limiter.consume(key, spend), true);
      } catch (error) {
        // The library rejects with its result object when the key is over the limit.
        if (error instanceof RateLimiterRes) return decision(error, false);
        throw error;
      }
    },
    async peek(key) {
      const res = await limiter.get(key);
      if (res === null) return { allowed: true, limit: points, remaining: points, resetAt: new Date() };
      return decision(res, res.consumedPoints <= points);
    },
    async refund(key, points = 1) {
      await limiter.reward(key, points);
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}

/** Library options shared by the memory and Redis limiters. */
export function limiterOptions(options: RateLimiterOptions) {
  return {
    keyPrefix: `rl:${options.name}`,
    points: options.points,
    duration: options.durationSeconds,
    blockDuration: options.blockSeconds ?? 0,
  };
}

/** Limits counted in this process (the embedded default, and the Redis limiter's fallback). */
export function createMemoryRateLimiter(options: RateLimiterOptions): RateLimiter {
  return adaptLimiter(new RateLimiterMemory(limiterOptions(options)), options.points);
}
