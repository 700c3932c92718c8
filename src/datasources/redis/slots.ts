import calculateSlot from 'cluster-key-slot';
import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './client.js';

/*
 * What a Redis Cluster asks of multi-key work: every key of one command, MULTI, pipeline or
 * script must live in one hash slot. On one server these helpers send what they always sent
 * (one MGET, one MULTI, unchanged key names); on a cluster they split the work per slot.
 */

/**
 * `{part}` on a cluster, so keys that must meet in one script or MULTI share a slot (Redis hashes
 * only what is between the first `{` and the next `}`); `part` itself on one server, where key
 * names stay what they were.
 */
export function hashTag(redis: RedisClient, part: string): string {
  return redis instanceof Cluster ? `{${part}}` : part;
}

/** `part` without the braces hashTag added, for reading a key's name back. */
export function untag(part: string): string {
  return part.startsWith('{') && part.endsWith('}') ? part.slice(1, -1) : part;
}

/**
 * The indexes of `keys` grouped by hash slot, each group in the order given and the groups in
 * the order of their first key; one group on one server.
 */
export function groupBySlot(redis: RedisClient, keys: readonly string[]): number[][] {
  if (!(redis instanceof Cluster)) return [keys.map((_, i) => i)];
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = calculateSlot(key);
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [i]);
    else group.push(i);
  });
  return [...groups.values()];
}

/** MGET per slot (in parallel on a cluster), the values in the order of `keys`. */
export async function mgetBySlot(redis: RedisClient, keys: readonly string[]): Promise<Array<string | null>> {
  const values = new Array<string | null>(keys.length).fill(null);
  await Promise.all(
    groupBySlot(redis, keys).map(async (group) => {
      const replies = await redis.mget(...group.map((i) => keys[i] ?? ''));
      group.forEach((at, j) => {
        values[at] = replies[j] ?? null;
      });
    }),
  );
  return values;
}

/** A MULTI or pipeline being built. */
export type Chain = ReturnType<Redis['multi']>;

/** One command of a batch: the key that places it, and how to add it to a MULTI or pipeline. */
export interface Step {
  key: string;
  add(chain: Chain): void;
}

/**
 * Runs `steps` as one MULTI (or pipeline) on one server; on a cluster as one per slot, one slot
 * after another in the order of their first step, so what is written first stays first. Each
 * slot's part is still atomic; the whole is not. Returns the replies in the order of `steps`.
 */
export async function execBySlot(
  redis: RedisClient,
  steps: readonly Step[],
  mode: 'multi' | 'pipeline' = 'multi',
): Promise<Array<[Error | null, unknown]>> {
  const replies = new Array<[Error | null, unknown]>(steps.length);
  for (const group of groupBySlot(
    redis,
    steps.map((s) => s.key),
  )) {
    const chain = mode === 'multi' ? redis.multi() : redis.pipeline();
    for (const i of group) steps[i]?.add(chain);
    const results = await chain.exec();
    if (results === null) throw new Error('transaction aborted');
    group.forEach((at, j) => {
      replies[at] = results[j] ?? [new Error('no reply'), null];
    });
  }
  return replies;
}

/** Every master: the nodes a SCAN must visit on a cluster; the server itself otherwise. */
export function scanTargets(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}
