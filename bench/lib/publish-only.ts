import type { RedisClient } from '../../src/datasources/redis/client.js';
import { eventKeys } from '../../src/datasources/redis/event-lua.js';
import { LuaScript } from '../../src/datasources/redis/script.js';
import { hashTag } from '../../src/datasources/redis/slots.js';

// Bench only: the score script of redis/leaderboards.ts without the event log, i.e. what a score
// costs with cursors off. It changes the board, reads the ranks and publishes the same event
// bytes, but appends nothing to the board's stream: the cursor it sends is made up (the time and a
// counter, increasing as XADD's ids do, which the gateway's resume logic requires of live events).
const CHANGE_WITHOUT_LOG = new LuaScript(
  'the bench',
  `
local key, counter = KEYS[1], KEYS[2]
local value, player, board_json, player_json, channel, publish = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local old = redis.call('ZSCORE', key, player)
local previous = false
if old then previous = redis.call('ZCOUNT', key, '(' .. old, '+inf') + 1 end
redis.call('ZADD', key, value, player)
local score = redis.call('ZSCORE', key, player)
local rank = redis.call('ZCOUNT', key, '(' .. score, '+inf') + 1
local prev_json = 'null'
if previous then prev_json = tostring(previous) end
local t = redis.call('TIME')
local id = tostring(tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) .. '-' .. tostring(redis.call('INCR', counter))
redis.call(publish, channel, '{"cursor":"' .. id .. '","board":' .. board_json .. ',"player":' .. player_json ..
  ',"score":' .. score .. ',"rank":' .. tostring(rank) .. ',"previousRank":' .. prev_json .. '}')
return id
`,
);

/** Sets a player's score and publishes the event as submitScore does, minus the stream append. */
export async function submitWithoutLog(
  redis: RedisClient,
  prefix: string,
  board: string,
  player: string,
  score: number,
): Promise<void> {
  const { stream, channel, publish } = eventKeys(redis, prefix, 'leaderboardUpdated', board);
  await CHANGE_WITHOUT_LOG.run(
    redis,
    [`${prefix}leaderboard:${hashTag(redis, board)}`, `${stream}:bench-counter`],
    [String(score), player, JSON.stringify(board), JSON.stringify(player), channel, publish],
  );
}
