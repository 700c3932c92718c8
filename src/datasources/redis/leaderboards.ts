import type { LeaderboardChange, LeaderboardEntry, Leaderboards } from '../ports/leaderboards.js';
import { rankInOrder } from '../ranks.js';
import type { RedisClient } from './client.js';
import { redisCall } from './errors.js';
import type { RedisEventLog } from './event-log.js';
import { APPEND_LUA } from './event-lua.js';
import { LuaScript } from './script.js';
import { type Chain, execBySlot, hashTag, scanTargets, untag } from './slots.js';

// The score and rank before and after a change, and the change's event appended to the board's
// stream and published, in one atomic step and one round trip: a concurrent change can never
// slip between them, every event reports ranks that existed, and no change exists without its
// event. The payload is built here: scores go out as Redis' own exact text of the double.
const CHANGE = new LuaScript(
  'the leaderboards',
  `${APPEND_LUA}
local key, stream = KEYS[1], KEYS[2]
local mode, value, player = ARGV[1], ARGV[2], ARGV[3]
local board_json, player_json, channel, publish, maxlen, retention = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], tonumber(ARGV[9])
local old = redis.call('ZSCORE', key, player)
local previous = false
if old then previous = redis.call('ZCOUNT', key, '(' .. old, '+inf') + 1 end
if mode == 'set' then redis.call('ZADD', key, value, player) else redis.call('ZINCRBY', key, value, player) end
local score = redis.call('ZSCORE', key, player)
local rank = redis.call('ZCOUNT', key, '(' .. score, '+inf') + 1
local prev_json = 'null'
if previous then prev_json = tostring(previous) end
local payload = '{"board":' .. board_json .. ',"player":' .. player_json .. ',"score":' .. score ..
  ',"rank":' .. tostring(rank) .. ',"previousRank":' .. prev_json .. '}'
local id = append(stream, channel, publish, payload, maxlen, retention, {})
return {score, rank, previous, id}
`,
);

const ENTRY = new LuaScript(
  'the leaderboards',
  `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return false end
return {score, redis.call('ZCOUNT', KEYS[1], '(' .. score, '+inf') + 1}
`,
);

// The window around a player and the rank of its first entry; the others follow from order.
const AROUND = new LuaScript(
  'the leaderboards',
  `
local key, player, radius = KEYS[1], ARGV[1], tonumber(ARGV[2])
local index = redis.call('ZREVRANK', key, player)
if not index then return false end
local first = math.max(index - radius, 0)
local items = redis.call('ZREVRANGE', key, first, index + radius, 'WITHSCORES')
return {first, redis.call('ZCOUNT', key, '(' .. items[2], '+inf') + 1, items}
`,
);

/** Scores come back from Redis as strings (a script's numbers would be truncated to integers). */
function num(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'string') return Number(reply);
  throw new TypeError('unexpected Redis reply');
}

function list(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new TypeError('unexpected Redis reply');
  return reply;
}

/** `[member, score, member, score, ...]` (WITHSCORES) as players and scores. */
function pairs(reply: unknown): Array<{ player: string; score: number }> {
  const flat = list(reply);
  const out: Array<{ player: string; score: number }> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ player: String(flat[i]), score: num(flat[i + 1]) });
  return out;
}

/**
 * Boards as Redis sorted sets under `<prefix>leaderboard:<board>`; on a Redis Cluster
 * `<prefix>leaderboard:{<board>}`, so every key a board's script touches (and the channel it
 * publishes on) can share the board's slot.
 */
export class RedisLeaderboards implements Leaderboards {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** The log each change's event goes to (same connection, same script). */
    private readonly events: RedisEventLog,
    /**
     * On a Redis Cluster, how long a change waits for a replica of its board's master to hold it
     * before it is answered (`WAIT 1 <ms>`, same round trip): an answered change, and its event,
     * then survive the loss of that master. 0: no wait (Redis' asynchronous replication). One
     * server ignores it. A change no replica confirmed in time is answered all the same (it is
     * applied; refusing it would make a client repeat an increment).
     */
    private readonly replicaWaitMs = 0,
  ) {}

  submit(board: string, player: string, score: number): Promise<LeaderboardChange> {
    return this.#change(board, player, 'set', score);
  }

  increment(board: string, player: string, by: number): Promise<LeaderboardChange> {
    return this.#change(board, player, 'incr', by);
  }

  async top(board: string, count: number): Promise<LeaderboardEntry[]> {
    const reply = await redisCall('the leaderboards', () =>
      this.redis.zrevrange(this.#key(board), 0, count - 1, 'WITHSCORES'),
    );
    return rankInOrder(pairs(reply), 0, 1);
  }

  async entry(board: string, player: string): Promise<LeaderboardEntry | null> {
    const reply = await ENTRY.run(this.redis, [this.#key(board)], [player]);
    if (reply === null) return null;
    const [score, rank] = list(reply);
    return { player, score: num(score), rank: num(rank) };
  }

  async around(board: string, player: string, radius: number): Promise<LeaderboardEntry[]> {
    const reply = await AROUND.run(this.redis, [this.#key(board)], [player, radius]);
    if (reply === null) return [];
    const [first, firstRank, items] = list(reply);
    return rankInOrder(pairs(items), num(first), num(firstRank));
  }

  size(board: string): Promise<number> {
    return redisCall('the leaderboards', () => this.redis.zcard(this.#key(board)));
  }

  async reset(board: string): Promise<boolean> {
    return (await redisCall('the leaderboards', () => this.redis.del(this.#key(board)))) > 0;
  }

  /** SCANs for boards, then ZSCANs each, so memory stays flat on any number of entries. */
  async *entries(): AsyncIterable<{ board: string; player: string; score: number }> {
    const head = `${this.prefix}leaderboard:`;
    for await (const key of this.#boardKeys()) {
      const board = untag(key.slice(head.length));
      let cursor = '0';
      do {
        const [next, flat] = await redisCall('the leaderboards', () =>
          this.redis.zscan(key, cursor, 'COUNT', 500),
        );
        cursor = next;
        for (let i = 0; i + 1 < flat.length; i += 2) {
          yield { board, player: flat[i] ?? '', score: Number(flat[i + 1]) };
        }
      } while (cursor !== '0');
    }
  }

  async load(entries: ReadonlyArray<{ board: string; player: string; score: number }>): Promise<void> {
    if (entries.length === 0) return;
    const steps = entries.map(({ board, player, score }) => {
      const key = this.#key(board);
      return { key, add: (m: Chain) => void m.zadd(key, score, player) };
    });
    await redisCall('the leaderboards', () => execBySlot(this.redis, steps, 'pipeline'));
  }

  async clear(): Promise<void> {
    const keys: string[] = [];
    for await (const key of this.#boardKeys()) keys.push(key);
    const steps = keys.map((key) => ({ key, add: (m: Chain) => void m.del(key) }));
    for (let i = 0; i < steps.length; i += 500) {
      const page = steps.slice(i, i + 500);
      await redisCall('the leaderboards', () => execBySlot(this.redis, page, 'pipeline'));
    }
  }

  async *#boardKeys(): AsyncIterable<string> {
    const seen = new Set<string>();
    const head = `${this.prefix}leaderboard:`;
    for (const node of scanTargets(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await redisCall('the leaderboards', () =>
          node.scan(cursor, 'MATCH', `${head}*`, 'COUNT', 500, 'TYPE', 'zset'),
        );
        cursor = next;
        for (const key of keys) {
          if (seen.has(key)) continue;
          seen.add(key);
          yield key;
        }
      } while (cursor !== '0');
    }
  }

  async close(): Promise<void> {
    // The connection belongs to the caller.
  }

  async #change(
    board: string,
    player: string,
    mode: 'set' | 'incr',
    value: number,
  ): Promise<LeaderboardChange> {
    const { stream, args } = this.events.appendArgs('leaderboardUpdated', board);
    const { reply } = await CHANGE.runReplicated(
      this.redis,
      [this.#key(board), stream],
      [mode, String(value), player, JSON.stringify(board), JSON.stringify(player), ...args],
      this.replicaWaitMs,
    );
    const [score, rank, previous, id] = list(reply);
    return {
      board,
      player,
      score: num(score),
      rank: num(rank),
      previousRank: previous === null ? null : num(previous),
      cursor: String(id),
    };
  }

  #key(board: string): string {
    return `${this.prefix}leaderboard:${hashTag(this.redis, board)}`;
  }
}
