import type { Role, SessionRecord, SessionStore } from '../ports/sessions.js';
import { sessionRecord } from '../session-record.js';
import type { RedisClient } from './client.js';
import { execResults, redisCall } from './errors.js';
import { LuaScript } from './script.js';
import { type Chain, execBySlot } from './slots.js';

/**
 * Reads a live session and slides it, atomically. KEYS = session; ARGV = now (ms), ttl (ms).
 * Returns accountId, role, createdAt and until when the account's index is known to live.
 */
const TOUCH = new LuaScript(
  'the session store',
  `
local fields = redis.call('HMGET', KEYS[1], 'accountId', 'role', 'createdAt', 'indexedUntil')
if not fields[1] then return false end
redis.call('HSET', KEYS[1], 'lastActivityAt', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return fields`,
);

/**
 * TOUCH and a request limiter's consume in one script, so a signed-in request costs one round
 * trip before it runs. KEYS = session; ARGV = now (ms), ttl (ms), session id, the index key's
 * prefix, the limiter key's prefix (`<prefix>rl:<name>:`), the account key's prefix
 * (`account:`), the anonymous key, points to spend, window (s). The session slides and its
 * index is extended (as reindex does) when live; then the limiter's key is the account's, else
 * the anonymous one, spent as rate-limiter-flexible's RateLimiterRedis does (SET NX EX, INCRBY,
 * PTTL), so its peek, refund and reset read the same keys. The index and limiter keys are
 * computed here, not declared: one server only (a cluster would need them in the session's slot).
 * Returns {fields or {}, key paid, points consumed, ms until the window ends}.
 */
const ADMIT = new LuaScript(
  'the session store',
  `
local fields = redis.call('HMGET', KEYS[1], 'accountId', 'role', 'createdAt', 'indexedUntil')
local key = ARGV[7]
if fields[1] then
  local now = tonumber(ARGV[1])
  local ttl = tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'lastActivityAt', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
  if tonumber(fields[4] or '0') < now + ttl then
    local index = ARGV[4] .. fields[1]
    redis.call('SADD', index, ARGV[3])
    redis.call('PEXPIRE', index, 2 * ttl)
    redis.call('HSET', KEYS[1], 'indexedUntil', tostring(now + 2 * ttl))
  end
  key = ARGV[6] .. fields[1]
else
  fields = {}
end
local limited = ARGV[5] .. key
redis.call('SET', limited, 0, 'EX', ARGV[9], 'NX')
local consumed = redis.call('INCRBY', limited, ARGV[8])
local left = redis.call('PTTL', limited)
if left == -1 then
  redis.call('EXPIRE', limited, ARGV[9])
  left = 1000 * ARGV[9]
end
return {fields, key, consumed, left}`,
);

/** A session and a limiter point in one round trip (ADMIT); the limiter's own options. */
export async function touchAndConsume(
  redis: RedisClient,
  prefix: string,
  session: { id: string; now: Date; ttlSeconds: number },
  limiter: { keyPrefix: string; points: number; durationSeconds: number },
  keys: { account: string; anonymous: string },
): Promise<{ session: SessionRecord | null; key: string; consumed: number; msLeft: number }> {
  const { id, now, ttlSeconds } = session;
  const reply = await ADMIT.run(
    redis,
    [`${prefix}session:${id}`],
    [
      now.getTime(),
      ttlSeconds * 1000,
      id,
      `${prefix}account-sessions:`,
      limiter.keyPrefix,
      keys.account,
      keys.anonymous,
      1,
      limiter.durationSeconds,
    ],
  );
  if (!Array.isArray(reply)) throw new Error('unexpected reply from the admission script');
  const [fields, key, consumed, msLeft] = reply as unknown[];
  const [accountId, role, createdAt] = Array.isArray(fields) ? (fields as unknown[]) : [];
  const live = typeof accountId === 'string' && isRole(role);
  return {
    session: live ? sessionRecord({ accountId, role }, new Date(Number(createdAt)), now, ttlSeconds) : null,
    key: String(key),
    consumed: Number(consumed),
    msLeft: Number(msLeft),
  };
}

function isRole(value: unknown): value is Role {
  return value === 'USER' || value === 'ADMIN';
}

const WHAT = 'the session store';

/**
 * Sessions as Redis hashes `<prefix>session:<sha256 of the token>`, expiring with a sliding
 * PEXPIRE, and per account a set `<prefix>account-sessions:<accountId>` of their ids, for
 * `endAll`. The set must outlive every session in it: it is given twice the session lifetime,
 * and a session that slides past the time it last did so (`indexedUntil`, kept in its hash)
 * extends it again, so most requests still cost one round trip.
 *
 * On a Redis Cluster a session and its account's index live in different slots (a session is
 * found by its token alone, so it cannot carry the account's hash tag): each MULTI is split per
 * slot, the index written before the session, so a session that exists is always indexed (an
 * index entry whose session is gone is pruned later, as after a logout).
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}session:${id}`;
  }

  private indexKey(accountId: string): string {
    return `${this.prefix}account-sessions:${accountId}`;
  }

  async create(
    id: string,
    owner: { accountId: string; role: Role },
    now: Date,
    ttlSeconds: number,
  ): Promise<SessionRecord> {
    await this.prune(owner.accountId);
    const at = String(now.getTime());
    const indexedUntil = String(now.getTime() + 2 * ttlSeconds * 1000);
    const [key, index] = [this.key(id), this.indexKey(owner.accountId)];
    const fields = {
      accountId: owner.accountId,
      role: owner.role,
      createdAt: at,
      lastActivityAt: at,
      indexedUntil,
    };
    const steps = [
      { key: index, add: (m: Chain) => void m.sadd(index, id) },
      { key: index, add: (m: Chain) => void m.pexpire(index, 2 * ttlSeconds * 1000) },
      { key, add: (m: Chain) => void m.hset(key, fields) },
      { key, add: (m: Chain) => void m.pexpire(key, ttlSeconds * 1000) },
    ];
    await redisCall(WHAT, async () => execResults(await execBySlot(this.redis, steps)));
    return sessionRecord(owner, now, now, ttlSeconds);
  }

  async touch(id: string, now: Date, ttlSeconds: number): Promise<SessionRecord | null> {
    const reply = await TOUCH.run(
      this.redis,
      [this.key(id)],
      [String(now.getTime()), String(ttlSeconds * 1000)],
    );
    if (!Array.isArray(reply)) return null;
    const [accountId, role, createdAt, indexedUntil] = reply as unknown[];
    if (typeof accountId !== 'string' || !isRole(role)) return null;
    const expiresAt = now.getTime() + ttlSeconds * 1000;
    if (Number(indexedUntil ?? 0) < expiresAt) await this.reindex(id, accountId, now, ttlSeconds);
    return sessionRecord({ accountId, role }, new Date(Number(createdAt)), now, ttlSeconds);
  }

  async delete(id: string): Promise<boolean> {
    return (await redisCall(WHAT, () => this.redis.del(this.key(id)))) === 1;
  }

  async expiry(id: string): Promise<Date | null> {
    const ms = await redisCall(WHAT, () => this.redis.pttl(this.key(id)));
    // -2: no such key. Every session is written with a TTL, so -1 (none) does not occur.
    return ms < 0 ? null : new Date(Date.now() + ms);
  }

  async endAll(accountId: string, keep?: string): Promise<number> {
    const ids = (await redisCall(WHAT, () => this.redis.smembers(this.indexKey(accountId)))).filter(
      (id) => id !== keep,
    );
    if (ids.length === 0) return 0;
    const index = this.indexKey(accountId);
    const steps = [
      ...ids.map((id) => ({ key: this.key(id), add: (m: Chain) => void m.del(this.key(id)) })),
      { key: index, add: (m: Chain) => void m.srem(index, ...ids) },
    ];
    const results = await redisCall(WHAT, async () => execResults(await execBySlot(this.redis, steps)));
    return results.slice(0, ids.length).filter((deleted) => deleted === 1).length;
  }

  /** Keeps the account's index alive as long as the session, which has just slid past it. */
  private async reindex(id: string, accountId: string, now: Date, ttlSeconds: number): Promise<void> {
    const until = now.getTime() + 2 * ttlSeconds * 1000;
    const [key, index] = [this.key(id), this.indexKey(accountId)];
    const steps = [
      { key: index, add: (m: Chain) => void m.sadd(index, id) },
      { key: index, add: (m: Chain) => void m.pexpire(index, 2 * ttlSeconds * 1000) },
      { key, add: (m: Chain) => void m.hset(key, 'indexedUntil', String(until)) },
    ];
    await redisCall(WHAT, async () => execResults(await execBySlot(this.redis, steps)));
  }

  /** Drops the ids of ended sessions from the account's index (logout leaves them there). */
  private async prune(accountId: string): Promise<void> {
    const index = this.indexKey(accountId);
    const ids = await redisCall(WHAT, () => this.redis.smembers(index));
    if (ids.length === 0) return;
    const steps = ids.map((id) => ({ key: this.key(id), add: (m: Chain) => void m.exists(this.key(id)) }));
    const alive = await redisCall(WHAT, async () =>
      execResults(await execBySlot(this.redis, steps, 'pipeline')),
    );
    const ended = ids.filter((_, i) => alive[i] !== 1);
    if (ended.length > 0) await redisCall(WHAT, () => this.redis.srem(index, ...ended));
  }

  async close(): Promise<void> {}
}
