import { inject } from 'vitest';
import { closeRedis, createRedis, type RedisClient } from '../../src/datasources/redis/client.js';
import { scanTargets } from '../../src/datasources/redis/slots.js';
import { uniqueName } from './names.js';

export interface TestRedis {
  /** One server, or a Redis Cluster for a `redis-cluster://` URL. */
  redis: RedisClient;
  /** A key prefix of this test's own, e.g. `t_3f2a…:`. */
  prefix: string;
  /** Every key under the prefix (SCAN), for tests that inspect what was stored. */
  keys(): Promise<string[]>;
  /** Deletes the keys under the prefix and closes the connection. */
  close(): Promise<void>;
}

/** A connection to the run's Redis (or `url`) with a fresh key prefix; waits until it is ready. */
export async function openTestRedis(url: string = inject('redisUrl')): Promise<TestRedis> {
  const redis = createRedis(url);
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    redis.once('error', reject);
  });
  // A Cluster is 'ready' once it knows the slots, but opens each master's connection on its first
  // command: open them now, so a test's first call does not spend its deadline connecting.
  await Promise.all(scanTargets(redis).map((node) => node.ping()));
  const prefix = `${uniqueName('t')}:`;
  const keys = async (): Promise<string[]> => {
    const found: string[] = [];
    for (const node of scanTargets(redis)) {
      let cursor = '0';
      do {
        const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        found.push(...batch);
      } while (cursor !== '0');
    }
    return found;
  };
  return {
    redis,
    prefix,
    keys,
    async close() {
      if (redis.status === 'ready') {
        const found = await keys();
        // One key per DEL: on a cluster, the keys live in many slots.
        await Promise.all(found.map((key) => redis.del(key)));
      }
      await closeRedis(redis);
    },
  };
}

/**
 * Runs `use` with a connection of the test's own to the Redis an app's settings name (the app's
 * backends keep theirs inside their adapters): null on the embedded default or while that Redis
 * does not answer. The connection is closed afterwards.
 */
export async function withRedisOf<T>(
  config: { REDIS_URL?: string | undefined },
  use: (redis: RedisClient | null) => Promise<T>,
): Promise<T> {
  if (config.REDIS_URL === undefined) return use(null);
  const redis = createRedis(config.REDIS_URL);
  const ready = await new Promise<boolean>((resolve) => {
    redis.once('ready', () => resolve(true));
    redis.once('error', () => resolve(false));
  });
  try {
    return await use(ready ? redis : null);
  } finally {
    await closeRedis(redis);
  }
}
