import type { Redis } from 'ioredis';
import type { Counters } from '../ports.js';
import { redisCall } from './redis-errors.js';

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
    const values = await redisCall('the counters', () =>
      this.redis.mget(...keys.map((k) => `${this.prefix}counter:${k}`)),
    );
    return keys.map((_k, i) => Number(values[i] ?? 0));
  }

  async close(): Promise<void> {}
}
