import type { Redis } from 'ioredis';
import type { Counters } from '../ports/counters.js';
import { redisCall } from './errors.js';

/** Reads give up sooner than the command timeout; increments do not (a late one would still count). */
const READ_DEADLINE_MS = 500;

/** Counters as Redis strings `<prefix>counter:<key>`, incremented with INCR and read with one MGET. */
export class RedisCounters implements Counters {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string): Promise<number> {
    return redisCall('the counters', () => this.redis.incr(`${this.prefix}counter:${key}`));
  }

  async get(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await redisCall(
      'the counters',
      () => this.redis.mget(...keys.map((k) => `${this.prefix}counter:${k}`)),
      READ_DEADLINE_MS,
    );
    return keys.map((_k, i) => Number(values[i] ?? 0));
  }

  /** SCANs the counter keys in pages and reads each page with one MGET. */
  async *entries(): AsyncIterable<readonly [string, number]> {
    const head = `${this.prefix}counter:`;
    let cursor = '0';
    do {
      const [next, keys] = await redisCall('the counters', () =>
        this.redis.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500),
      );
      cursor = next;
      if (keys.length === 0) continue;
      const values = await redisCall('the counters', () => this.redis.mget(...keys));
      for (const [i, key] of keys.entries()) yield [key.slice(head.length), Number(values[i] ?? 0)] as const;
    } while (cursor !== '0');
  }

  async set(entries: ReadonlyArray<readonly [string, number]>): Promise<void> {
    if (entries.length === 0) return;
    const flat = entries.flatMap(([key, value]) => [`${this.prefix}counter:${key}`, String(value)]);
    await redisCall('the counters', () => this.redis.mset(...flat));
  }

  async clear(): Promise<void> {
    const keys: string[] = [];
    for await (const [key] of this.entries()) keys.push(`${this.prefix}counter:${key}`);
    for (let i = 0; i < keys.length; i += 500) {
      const page = keys.slice(i, i + 500);
      await redisCall('the counters', () => this.redis.del(...page));
    }
  }

  async close(): Promise<void> {}
}
