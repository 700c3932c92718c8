import type { ResponseCacheRead, ResponseCacheStore } from '../ports/response-cache.js';
import type { RedisClient } from './client.js';
import { redisCall } from './errors.js';
import { LuaScript } from './script.js';
import { hashTag } from './slots.js';

/** A lookup gives up sooner than the command timeout: a miss only costs an execution. */
const READ_DEADLINE_MS = 200;

/**
 * KEYS: generation, entry, tag sets...; ARGV: generation read, body, ttl ms. Stores only if no
 * invalidation moved the generation since the read, and files the entry under each tag (the tag
 * sets outlive their entries by the TTL at most; a stale member is a deleted key, harmless).
 */
const SET = new LuaScript(
  'the response cache',
  `if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[2])
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
return 1`,
);

/** KEYS: generation, tag sets...: moves the generation on, deletes every tagged entry and the tags. */
const INVALIDATE = new LuaScript(
  'the response cache',
  `redis.call('INCR', KEYS[1])
for i = 2, #KEYS do
  local members = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #members, 500 do
    redis.call('DEL', unpack(members, j, math.min(j + 499, #members)))
  end
  redis.call('DEL', KEYS[i])
end
return 1`,
);

/**
 * The response cache on Redis, shared by every instance: entries `<prefix>rc:e:<key>` with a TTL,
 * tag sets `<prefix>rc:t:<tag>`, and one generation counter `<prefix>rc:gen`. A read is one MGET
 * (entry and generation); a store and an invalidation are one script each. The scripts touch
 * several keys, so on a Redis Cluster every key carries the hash tag `{rc}` (`<prefix>{rc}:e:<key>`):
 * one slot, hence one shard, holds the whole cache there (the price of atomic invalidation).
 */
export class RedisResponseCache implements ResponseCacheStore {
  private readonly generationKey: string;
  /** `<prefix>rc:` on one server, `<prefix>{rc}:` on a cluster. */
  private readonly base: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.base = `${prefix}${hashTag(redis, 'rc')}:`;
    this.generationKey = `${this.base}gen`;
  }

  async get(key: string): Promise<ResponseCacheRead> {
    const [body, generation] = await redisCall(
      'the response cache',
      () => this.redis.mget(`${this.base}e:${key}`, this.generationKey),
      READ_DEADLINE_MS,
    );
    return { body: body ?? null, generation: generation ?? '0' };
  }

  async set(key: string, body: string, tags: readonly string[], ttlMs: number, generation: string) {
    const keys = [this.generationKey, `${this.base}e:${key}`, ...tags.map((t) => `${this.base}t:${t}`)];
    return (await SET.run(this.redis, keys, [generation, body, Math.max(1, Math.round(ttlMs))])) === 1;
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    await INVALIDATE.run(this.redis, [this.generationKey, ...tags.map((t) => `${this.base}t:${t}`)], []);
  }

  async close(): Promise<void> {}
}
