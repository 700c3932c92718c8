import type { Redis } from 'ioredis';
import type { Role, SessionRecord, SessionStore } from '../ports/sessions.js';
import { sessionRecord } from '../session-record.js';
import { execResults, redisCall } from './errors.js';
import { LuaScript } from './script.js';

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
 */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
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
    const multi = this.redis
      .multi()
      .hset(this.key(id), {
        accountId: owner.accountId,
        role: owner.role,
        createdAt: at,
        lastActivityAt: at,
        indexedUntil,
      })
      .pexpire(this.key(id), ttlSeconds * 1000)
      .sadd(this.indexKey(owner.accountId), id)
      .pexpire(this.indexKey(owner.accountId), 2 * ttlSeconds * 1000);
    await redisCall(WHAT, async () => execResults(await multi.exec()));
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
    const multi = this.redis.multi();
    for (const id of ids) multi.del(this.key(id));
    multi.srem(this.indexKey(accountId), ...ids);
    const results = await redisCall(WHAT, async () => execResults(await multi.exec()));
    return results.slice(0, ids.length).filter((deleted) => deleted === 1).length;
  }

  /** Keeps the account's index alive as long as the session, which has just slid past it. */
  private async reindex(id: string, accountId: string, now: Date, ttlSeconds: number): Promise<void> {
    const until = now.getTime() + 2 * ttlSeconds * 1000;
    const multi = this.redis
      .multi()
      .sadd(this.indexKey(accountId), id)
      .pexpire(this.indexKey(accountId), 2 * ttlSeconds * 1000)
      .hset(this.key(id), 'indexedUntil', String(until));
    await redisCall(WHAT, async () => execResults(await multi.exec()));
  }

  /** Drops the ids of ended sessions from the account's index (logout leaves them there). */
  private async prune(accountId: string): Promise<void> {
    const index = this.indexKey(accountId);
    const ids = await redisCall(WHAT, () => this.redis.smembers(index));
    if (ids.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.exists(this.key(id));
    const alive = await redisCall(WHAT, async () => execResults(await pipeline.exec()));
    const ended = ids.filter((_, i) => alive[i] !== 1);
    if (ended.length > 0) await redisCall(WHAT, () => this.redis.srem(index, ...ended));
  }

  async close(): Promise<void> {}
}
