import { Cluster } from 'ioredis';
import type { RedisClient } from './client.js';
import { hashTag } from './slots.js';

/**
 * Lua shared by the scripts that append events (redis/event-log.ts, redis/leaderboards.ts).
 * `append` adds an entry to a board's or job's stream, trims it by length (XADD MAXLEN) and by
 * age (XTRIM MINID, on the server's clock), lets a stream idle for twice the retention expire, and
 * PUBLISHes (SPUBLISHes on a Redis Cluster) the event with its id as `cursor` on the channel
 * RedisPubSub listens to,
 * all inside the caller's script: one round trip, and no event live without being logged.
 * `payload` is a JSON object's text; the cursor goes in as its first member. Trimming is exact
 * (no `~`): both backends then keep the same events, and a steady log drops one entry per append.
 */
export const APPEND_LUA = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function id_older(a, b)
  local da, db = string.find(a, '-', 1, true), string.find(b, '-', 1, true)
  local am, as = tonumber(string.sub(a, 1, da - 1)), tonumber(string.sub(a, da + 1))
  local bm, bs = tonumber(string.sub(b, 1, db - 1)), tonumber(string.sub(b, db + 1))
  return am < bm or (am == bm and as < bs)
end
local function append(stream, channel, publish, payload, maxlen, retention_ms, fields)
  local fresh = redis.call('EXISTS', stream) == 0
  local id = redis.call('XADD', stream, '*', 'p', payload, unpack(fields))
  local trimmed = false
  -- A new stream (or one that expired idle) may follow events no longer kept: a cursor older
  -- than the retention is then past it, as with a stream that trimmed them.
  if fresh then trimmed = tostring(now_ms() - retention_ms) .. '-0' end
  local len = redis.call('XLEN', stream)
  if len > tonumber(maxlen) then
    local cut = redis.call('XRANGE', stream, '-', '+', 'COUNT', len - tonumber(maxlen))
    trimmed = cut[#cut][1]
    redis.call('XTRIM', stream, 'MAXLEN', maxlen)
  end
  local minid = tostring(now_ms() - retention_ms) .. '-0'
  local aged = redis.call('XREVRANGE', stream, '(' .. minid, '-', 'COUNT', 1)[1]
  if aged then
    if not trimmed or id_older(trimmed, aged[1]) then trimmed = aged[1] end
    redis.call('XTRIM', stream, 'MINID', minid)
  end
  -- Trimming leaves max-deleted-entry-id alone (only XDEL sets it): record the newest entry
  -- trimmed there, so a range can tell a cursor that lost events.
  if trimmed then redis.call('XSETID', stream, id, 'MAXDELETEDID', trimmed) end
  -- Kept twice the retention: a stream idle that long holds only events older than any cursor
  -- that could still resume, so dropping it (and its trim record) loses nothing resumable.
  redis.call('PEXPIRE', stream, 2 * retention_ms)
  redis.call(publish, channel, '{"cursor":"' .. id .. '",' .. string.sub(payload, 2))
  return id
end
`;

/**
 * Where a topic's events for one key live: the stream, and the pub/sub channel as RedisPubSub
 * names it, with the command that publishes there. On a Redis Cluster the key part is
 * hash-tagged, so the stream, the channel and a board's sorted set share one slot (one script
 * touches them all), and the channel is a shard channel (SPUBLISH).
 */
export function eventKeys(
  redis: RedisClient,
  prefix: string,
  topic: string,
  key: string,
): { stream: string; channel: string; publish: 'PUBLISH' | 'SPUBLISH' } {
  const tagged = hashTag(redis, key);
  return {
    stream: `${prefix}log:${topic}:${tagged}`,
    channel: `${prefix}events:${topic}:${tagged}`,
    publish: redis instanceof Cluster ? 'SPUBLISH' : 'PUBLISH',
  };
}
