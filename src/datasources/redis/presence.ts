import { randomUUID } from 'node:crypto';
import type { PresenceStore } from '../ports/presence.js';
import type { RedisClient } from './client.js';
import { redisCall } from './errors.js';
import { LuaScript } from './script.js';

// Redis' clock, not the instances': instances on several machines agree on what has expired.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const REFRESH = new LuaScript(
  'presence',
  `${NOW}
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i]) end
return #ARGV - 1
`,
);

// Members are "<instance>|<account>": an account counts once, however many instances hold it.
const COUNT = new LuaScript(
  'presence',
  `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local seen, n = {}, 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local account = string.match(member, '|(.*)$')
  if account and not seen[account] then seen[account] = true n = n + 1 end
end
return n
`,
);

/**
 * Online accounts in one sorted set, `<prefix>presence`, scored by expiry time: each instance
 * refreshes its own members, so the entries of an instance that died expire on their own.
 */
export class RedisPresence implements PresenceStore {
  readonly #instance = randomUUID();
  readonly #held = new Set<string>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  async refresh(accountIds: readonly string[]): Promise<void> {
    for (const id of accountIds) this.#held.add(id);
    if (accountIds.length === 0) return;
    await REFRESH.run(this.redis, [this.#key], [this.ttlMs, ...accountIds.map((id) => this.#member(id))]);
  }

  async remove(accountId: string): Promise<void> {
    this.#held.delete(accountId);
    await redisCall('presence', () => this.redis.zrem(this.#key, this.#member(accountId)));
  }

  async count(): Promise<number> {
    return Number(await COUNT.run(this.redis, [this.#key], []));
  }

  async close(): Promise<void> {
    const members = [...this.#held].map((id) => this.#member(id));
    this.#held.clear();
    if (members.length > 0) await redisCall('presence', () => this.redis.zrem(this.#key, ...members));
  }

  get #key(): string {
    return `${this.prefix}presence`;
  }

  #member(accountId: string): string {
    return `${this.#instance}|${accountId}`;
  }
}
