import { Cluster } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../../logger.js';
import { OutageLog } from '../../outage-log.js';
import { adaptLimiter, createMemoryRateLimiter, limiterOptions } from '../memory/rate-limiter.js';
import type { RateLimiter, RateLimiterFactory, SessionSpend } from '../ports/rate-limiter.js';
import type { RedisClient } from './client.js';
import { redisCall } from './errors.js';
import { touchAndConsume } from './sessions.js';

/** A limiter that has not answered by then counts as down (every request waits for it). */
const DEADLINE_MS = 250;

/**
 * Limiters on Redis (rate-limiter-flexible's atomic Lua INCR + EXPIRE, shared by every instance).
 * When Redis does not answer, a `memory` limiter counts in this process and says so in the log;
 * a `fail` limiter throws UnavailableError.
 */
export function createRedisRateLimiterFactory(
  redis: RedisClient,
  prefix: string,
  logger: Logger,
): RateLimiterFactory {
  return (options) => {
    const shared = adaptLimiter(
      new RateLimiterRedis({
        ...limiterOptions(options),
        keyPrefix: `${prefix}rl:${options.name}`,
        storeClient: redis,
        // Fail at once while disconnected instead of waiting for a command timeout.
        rejectIfRedisNotReady: true,
      }),
      options.points,
    );
    const what = `rate limiter "${options.name}"`;
    if (options.whenStoreDown === 'fail') {
      return {
        points: options.points,
        consume: (key, spend) => redisCall(what, () => shared.consume(key, spend), DEADLINE_MS),
        peek: (key) => redisCall(what, () => shared.peek(key), DEADLINE_MS),
        refund: (key, points) => redisCall(what, () => shared.refund(key, points), DEADLINE_MS),
        reset: (key) => redisCall(what, () => shared.reset(key), DEADLINE_MS),
      };
    }
    const local = createMemoryRateLimiter(options);
    const outage = new OutageLog(logger, what, 'limiting per process until Redis answers');
    const withFallback =
      <A extends unknown[], R>(call: (limiter: RateLimiter, ...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        try {
          const result = await redisCall(what, () => call(shared, ...args), DEADLINE_MS);
          outage.ok();
          return result;
        } catch (error) {
          outage.failed(error);
          return call(local, ...args);
        }
      };
    const keyPrefix = `${prefix}rl:${options.name}:`;
    /** With the sessions' own script: unknown to the library, which it reads and writes alike. */
    const consumeForSession: RateLimiter['consumeForSession'] = async (id, now, ttlSeconds, keys) => {
      try {
        const spent = await redisCall(
          what,
          () => touchAndConsume(redis, prefix, { id, now, ttlSeconds }, { ...options, keyPrefix }, keys),
          DEADLINE_MS,
        );
        outage.ok();
        const allowed = spent.consumed <= options.points;
        const decision = {
          allowed,
          limit: options.points,
          remaining: allowed ? Math.max(0, options.points - spent.consumed) : 0,
          resetAt: new Date(Date.now() + Math.max(0, spent.msLeft)),
        };
        return { session: spent.session, key: spent.key, decision } satisfies SessionSpend;
      } catch (error) {
        // As a session lookup and a consume would: the session unknown, the point counted here.
        outage.failed(error);
        const decision = await local.consume(keys.anonymous);
        return { session: 'unavailable', key: keys.anonymous, decision } satisfies SessionSpend;
      }
    };
    return {
      points: options.points,
      consume: withFallback((l, key: string, spend?: number) => l.consume(key, spend)),
      peek: withFallback((l, key: string) => l.peek(key)),
      refund: withFallback((l, key: string, points?: number) => l.refund(key, points)),
      reset: withFallback((l, key: string) => l.reset(key)),
      // The script spends as the library does without a block; a limiter with one keeps two trips.
      // On a Redis Cluster the session, its account index and the limiter's key live in different
      // slots, which one script may not touch: there callers touch, then consume (two round trips).
      ...(options.blockSeconds || redis instanceof Cluster ? {} : { consumeForSession }),
    };
  };
}
