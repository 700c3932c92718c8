import type { Counters } from '../ports/counters.js';
import type { RedisClient } from './client.js';
import { execResults, redisCall } from './errors.js';
import { type Chain, execBySlot, mgetBySlot, scanTargets } from './slots.js';

/** Reads give up sooner than the command timeout; increments do not (a late one would still count). */
const READ_DEADLINE_MS = 500;

/**
 * Counters as Redis strings `<prefix>counter:<key>`, incremented with INCR and read with one MGET
 * (on a Redis Cluster, one MGET per slot the keys fall in: each counter stays on its own slot, so
 * they spread over the shards).
 */
export class RedisCounters implements Counters {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async increment(key: string): Promise<number> {
    return redisCall('the counters', () => this.redis.incr(`${this.prefix}counter:${key}`));
  }

  async get(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await redisCall(
      'the counters',
      () =>
        mgetBySlot(
          this.redis,
          keys.map((k) => `${this.prefix}counter:${k}`),
        ),
      READ_DEADLINE_MS,
    );
    return keys.map((_k, i) => Number(values[i] ?? 0));
  }

  /** SCANs the counter keys in pages (on every master of a cluster) and reads each page with MGET. */
  async *entries(): AsyncIterable<readonly [string, number]> {
    const head = `${this.prefix}counter:`;
    for (const node of scanTargets(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await redisCall('the counters', () =>
          node.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500),
        );
        cursor = next;
        if (keys.length === 0) continue;
        const values = await redisCall('the counters', () => mgetBySlot(this.redis, keys));
        for (const [i, key] of keys.entries())
          yield [key.slice(head.length), Number(values[i] ?? 0)] as const;
      } while (cursor !== '0');
    }
  }

  async set(entries: ReadonlyArray<readonly [string, number]>): Promise<void> {
    if (entries.length === 0) return;
    const steps = entries.map(([key, value]) => {
      const name = `${this.prefix}counter:${key}`;
      return { key: name, add: (m: Chain) => void m.set(name, String(value)) };
    });
    await redisCall('the counters', async () => execResults(await execBySlot(this.redis, steps)));
  }

  async clear(): Promise<void> {
    const keys: string[] = [];
    for await (const [key] of this.entries()) keys.push(`${this.prefix}counter:${key}`);
    const steps = keys.map((name) => ({ key: name, add: (m: Chain) => void m.del(name) }));
    for (let i = 0; i < steps.length; i += 500) {
      const page = steps.slice(i, i + 500);
      await redisCall('the counters', async () =>
        execResults(await execBySlot(this.redis, page, 'pipeline')),
      );
    }
  }

  async close(): Promise<void> {}
}
