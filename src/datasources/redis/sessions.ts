import type { Redis } from 'ioredis';
import type { Role, SessionRecord, SessionStore } from '../ports/sessions.js';
import { sessionRecord } from '../session-record.js';
import { execResults, redisCall } from './errors.js';
import { LuaScript } from './script.js';

/** Reads a live session and slides it, atomically. KEYS = session; ARGV = now (ms), ttl (ms). */
const TOUCH = new LuaScript(
  'the session store',
  `
local fields = redis.call('HMGET', KEYS[1], 'accountId', 'role', 'createdAt')
if not fields[1] then return false end
redis.call('HSET', KEYS[1], 'lastActivityAt', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return fields`,
);

function isRole(value: unknown): value is Role {
  return value === 'USER' || value === 'ADMIN';
}

/** Sessions as Redis hashes `<prefix>session:<sha256 of the token>`, expiring with a sliding PEXPIRE. */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string): string {
    return `${this.prefix}session:${id}`;
  }

  async create(
    id: string,
    owner: { accountId: string; role: Role },
    now: Date,
    ttlSeconds: number,
  ): Promise<SessionRecord> {
    const at = String(now.getTime());
    const multi = this.redis
      .multi()
      .hset(this.key(id), { accountId: owner.accountId, role: owner.role, createdAt: at, lastActivityAt: at })
      .pexpire(this.key(id), ttlSeconds * 1000);
    await redisCall('the session store', async () => execResults(await multi.exec()));
    return sessionRecord(owner, now, now, ttlSeconds);
  }

  async touch(id: string, now: Date, ttlSeconds: number): Promise<SessionRecord | null> {
    const reply = await TOUCH.run(
      this.redis,
      [this.key(id)],
      [String(now.getTime()), String(ttlSeconds * 1000)],
    );
    if (!Array.isArray(reply)) return null;
    const [accountId, role, createdAt] = reply as unknown[];
    if (typeof accountId !== 'string' || !isRole(role)) return null;
    return sessionRecord({ accountId, role }, new Date(Number(createdAt)), now, ttlSeconds);
  }

  async delete(id: string): Promise<boolean> {
    return (await redisCall('the session store', () => this.redis.del(this.key(id)))) === 1;
  }

  async close(): Promise<void> {}
}
