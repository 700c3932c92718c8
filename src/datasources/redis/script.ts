import { createHash } from 'node:crypto';
import { Cluster } from 'ioredis';
import type { RedisClient } from './client.js';
import { execResults, redisCall } from './errors.js';

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

  /**
   * Runs the script and then, on a Redis Cluster with `replicaWaitMs` > 0, `WAIT 1 <replicaWaitMs>`
   * on the same node in the same round trip (a pipeline: WAIT names no key, so it goes where the
   * script's keys go), so the reply comes once a replica holds the script's writes, or once the
   * wait is over without one (`replicated: false`: the writes stand, unconfirmed). Redis
   * replicates asynchronously: without the wait, a write answered just before its master dies can
   * be missing on the replica that takes over.
   */
  async runReplicated(
    redis: RedisClient,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
    replicaWaitMs: number,
  ): Promise<{ reply: unknown; replicated: boolean | null }> {
    if (!(redis instanceof Cluster) || replicaWaitMs <= 0)
      return { reply: await this.run(redis, keys, args), replicated: null };
    this.#command(redis); // defined on the connection first, so the pipeline has it too
    const pipeline = redis.pipeline();
    const command: unknown = Reflect.get(pipeline, this.#name);
    if (typeof command !== 'function') throw new Error(`script ${this.#name} was not defined`);
    command.apply(pipeline, [keys.length, ...keys, ...args]);
    pipeline.wait(1, replicaWaitMs);
    const [reply, replicas] = execResults(await redisCall(this.what, () => pipeline.exec()));
    return { reply, replicated: Number(replicas) >= 1 };
  }

  #command(redis: RedisClient): Call {
    if (!(this.#name in redis)) redis.defineCommand(this.#name, { lua: this.source });
    // defineCommand adds a method named at run time, which ioredis' types cannot name.
    const command: unknown = Reflect.get(redis, this.#name);
    if (typeof command !== 'function') throw new Error(`script ${this.#name} was not defined`);
    return (...args) => Promise.resolve(command.apply(redis, args));
  }
}
