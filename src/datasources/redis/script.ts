import { createHash } from 'node:crypto';
import type { RedisClient } from './client.js';
import { redisCall } from './errors.js';

type Call = (...args: Array<string | number>) => Promise<unknown>;

/**
 * A Lua script defined on each connection with ioredis' `defineCommand`, which runs it with
 * EVALSHA and sends it whole (EVAL) only when a server does not know it yet. A script runs
 * atomically: nothing else touches its keys between its commands.
 */
export class LuaScript {
  /** The command's name on a connection; from the source, so two scripts never share one. */
  readonly #name: string;

  constructor(
    /** What the script serves, for the SERVICE_UNAVAILABLE message (`the leaderboards`). */
    private readonly what: string,
    private readonly source: string,
  ) {
    this.#name = `docgate_${createHash('sha1').update(source).digest('hex')}`;
  }

  /** Runs the script; with `deadlineMs`, a call not answered by then fails (see redisCall). */
  run(
    redis: RedisClient,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
    deadlineMs?: number,
  ): Promise<unknown> {
    return redisCall(this.what, () => this.#command(redis)(keys.length, ...keys, ...args), deadlineMs);
  }

  #command(redis: RedisClient): Call {
    if (!(this.#name in redis)) redis.defineCommand(this.#name, { lua: this.source });
    // defineCommand adds a method named at run time, which ioredis' types cannot name.
    const command: unknown = Reflect.get(redis, this.#name);
    if (typeof command !== 'function') throw new Error(`script ${this.#name} was not defined`);
    return (...args) => Promise.resolve(command.apply(redis, args));
  }
}
