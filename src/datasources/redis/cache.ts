import type { CacheRead, CacheStats, DocumentCache } from '../ports/cache.js';
import type { RedisClient } from './client.js';
import { execResults, redisCall } from './errors.js';
import { LuaScript } from './script.js';
import { type Chain, execBySlot, groupBySlot, hashTag, mgetBySlot } from './slots.js';

/** A cache slower than this is no help: the read goes to the store instead. */
const DEADLINE_MS = 250;
/** Versions outlive any read in flight by far; they only need to expire eventually. */
const VERSION_TTL_SECONDS = 86_400;

/**
 * Writes back each value only if its version key still holds the version read with it:
 * KEYS = value1, version1, value2, version2...; ARGV = ttl, value1, expected1, value2, expected2...
 */
const SET_IF_UNCHANGED = new LuaScript(
  'the shared cache',
  `
local written = 0
for i = 1, #KEYS, 2 do
  local current = redis.call('GET', KEYS[i + 1]) or '0'
  if current == ARGV[i + 2] then
    redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1])
    written = written + 1
  end
end
return written`,
);

/**
 * The shared cache on Redis: `<prefix>cache:v:<key>` holds the value, `<prefix>cache:g:<key>` the
 * version, bumped by every invalidation. One round trip per call: MGET, one EVALSHA, one MULTI.
 * On a Redis Cluster the key is hash-tagged (`cache:v:{<key>}`, `cache:g:{<key>}`) so a value and
 * its version share a slot (the write-back script reads one and writes the other), and each call
 * is grouped by slot: one MGET, EVALSHA or MULTI per slot the batch touches, in parallel.
 */
export class RedisDocumentCache implements DocumentCache {
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private valueKey(key: string): string {
    return `${this.prefix}cache:v:${hashTag(this.redis, key)}`;
  }

  private versionKey(key: string): string {
    return `${this.prefix}cache:g:${hashTag(this.redis, key)}`;
  }

  async getMany(keys: readonly string[]): Promise<CacheRead[]> {
    if (keys.length === 0) return [];
    const replies = await redisCall(
      'the shared cache',
      () =>
        mgetBySlot(this.redis, [
          ...keys.map((k) => this.valueKey(k)),
          ...keys.map((k) => this.versionKey(k)),
        ]),
      DEADLINE_MS,
    );
    return keys.map((_key, i) => {
      const value = replies[i] ?? null;
      if (value === null) this.misses += 1;
      else this.hits += 1;
      return { value, version: replies[keys.length + i] ?? '0' };
    });
  }

  async setMany(
    entries: ReadonlyArray<{ key: string; value: string; version: string }>,
    ttlSeconds: number,
  ): Promise<void> {
    if (entries.length === 0) return;
    const groups = groupBySlot(
      this.redis,
      entries.map((e) => this.valueKey(e.key)),
    ).map((group) => group.flatMap((i) => entries[i] ?? []));
    await Promise.all(
      groups.map((group) => {
        const keys = group.flatMap((e) => [this.valueKey(e.key), this.versionKey(e.key)]);
        const args = group.flatMap((e) => [e.value, e.version]);
        return SET_IF_UNCHANGED.run(this.redis, keys, [String(ttlSeconds), ...args], DEADLINE_MS);
      }),
    );
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const steps = keys.flatMap((key) => {
      const [value, version] = [this.valueKey(key), this.versionKey(key)];
      return [
        { key: value, add: (m: Chain) => void m.del(value) },
        { key: version, add: (m: Chain) => void m.incr(version) },
        { key: version, add: (m: Chain) => void m.expire(version, VERSION_TTL_SECONDS) },
      ];
    });
    // No deadline here: an invalidation that is slow must still be known to have landed.
    await redisCall('the shared cache', async () => execResults(await execBySlot(this.redis, steps)));
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses };
  }

  async close(): Promise<void> {}
}
