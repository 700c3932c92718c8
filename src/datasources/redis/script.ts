import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisCall } from './errors.js';

/**
 * A Lua script run with EVALSHA, sent whole (EVAL) only the first time a server does not know
 * it. A script runs atomically: nothing else touches its keys between its commands.
 */
export class LuaScript {
  readonly #sha: string;

  constructor(
    /** What the script serves, for the SERVICE_UNAVAILABLE message (`the leaderboards`). */
    private readonly what: string,
    private readonly source: string,
  ) {
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    return redisCall(this.what, async () => {
      try {
        return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        return await redis.eval(this.source, keys.length, ...keys, ...args);
      }
    });
  }
}
