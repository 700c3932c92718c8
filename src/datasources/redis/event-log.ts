import { CursorExpiredError } from '../../errors.js';
import { deserialize, serialize } from '../../serializer.js';
import type { EventLog, EventLogOptions, LoggedEvent } from '../ports/event-log.js';
import type { JobChange } from '../ports/jobs.js';
import type { Topic, Topics } from '../ports/pubsub.js';
import type { RedisClient } from './client.js';
import { redisCall } from './errors.js';
import { APPEND_LUA, eventKeys } from './event-lua.js';
import { LuaScript } from './script.js';

const WHAT = 'the event log';

const APPEND = new LuaScript(
  WHAT,
  `${APPEND_LUA}
return append(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), {})
`,
);

// The job ordering rule of job-order.ts, applied to the stream's newest entry inside the script
// so that every instance may feed the same queue events: each is applied once, in order.
const APPEND_JOB = new LuaScript(
  WHAT,
  `${APPEND_LUA}
local stream, channel, publish, maxlen, retention = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local jid, cst, cpg, cres, cerr, csrc = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local NEXT = {
  QUEUED = {ACTIVE = true, DELAYED = true, COMPLETED = true, FAILED = true},
  ACTIVE = {DELAYED = true, COMPLETED = true, FAILED = true},
  DELAYED = {ACTIVE = true, COMPLETED = true, FAILED = true},
  COMPLETED = {}, FAILED = {}
}
local newest = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
local f = {}
if newest then
  local kv = newest[2]
  for i = 1, #kv, 2 do f[kv[i]] = kv[i + 1] end
end
if csrc ~= '' and f.src and f.src ~= '' and not id_older(f.src, csrc) then return false end
local before = f.s or 'QUEUED'
local st, pg, res, err = before, tonumber(f.g or '0'), f.r or 'null', f.e or 'null'
if cst ~= '' and cst ~= st and NEXT[st][cst] then
  st = cst
  res = 'null'
  err = 'null'
  if cst == 'COMPLETED' and cres ~= '' then res = cres end
  if (cst == 'FAILED' or cst == 'DELAYED') and cerr ~= '' then err = cerr end
end
if cpg ~= '' and before ~= 'COMPLETED' and before ~= 'FAILED' then pg = math.max(pg, tonumber(cpg)) end
if newest and st == f.s and pg == tonumber(f.g) then return false end
local src = csrc
if src == '' then src = f.src or '' end
local payload = '{"id":' .. jid .. ',"status":"' .. st .. '","progress":' .. tostring(pg) ..
  ',"result":' .. res .. ',"error":' .. err .. '}'
local id = append(stream, channel, publish, payload, maxlen, retention,
  {'s', st, 'g', tostring(pg), 'r', res, 'e', err, 'src', src})
return {id, payload}
`,
);

// Past retention when an entry after the cursor was trimmed (Redis 7's max-deleted-entry-id),
// or, with the stream gone (expired idle), when the cursor itself is older than the retention.
const RANGE = new LuaScript(
  WHAT,
  `${APPEND_LUA}
local stream, after, count, retention = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('EXISTS', stream) == 0 then
  if id_older(after, tostring(now_ms() - retention) .. '-0') then return 'expired' end
  return {}
end
local info = redis.call('XINFO', 'STREAM', stream)
for i = 1, #info, 2 do
  if info[i] == 'max-deleted-entry-id' and id_older(after, info[i + 1]) then return 'expired' end
end
return redis.call('XRANGE', stream, '(' .. after, '+', 'COUNT', count)
`,
);

function entriesOf(reply: unknown): Array<{ id: string; payload: string }> {
  if (!Array.isArray(reply)) throw new TypeError('unexpected Redis reply');
  return reply.map((entry: unknown) => {
    if (!Array.isArray(entry) || !Array.isArray(entry[1])) throw new TypeError('unexpected Redis reply');
    const fields: unknown[] = entry[1];
    const at = fields.indexOf('p');
    return { id: String(entry[0]), payload: String(fields[at + 1]) };
  });
}

/**
 * The event log on Redis Streams, one stream per board / job under `<prefix>log:`. Every
 * append is one script: XADD with trimming, and PUBLISH of the event with its cursor.
 */
export class RedisEventLog implements EventLog {
  readonly kind = 'redis';

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly options: EventLogOptions,
  ) {}

  /** What the append scripts take after their keys: channel, publish command, MAXLEN, retention (ms). */
  appendArgs(topic: Topic, key: string): { stream: string; args: [string, string, number, number] } {
    const { stream, channel, publish } = eventKeys(this.redis, this.prefix, topic, key);
    return { stream, args: [channel, publish, this.options.maxLength, this.options.retentionSeconds * 1000] };
  }

  async append<T extends Topic>(topic: T, key: string, payload: Topics[T]): Promise<string> {
    const { stream, args } = this.appendArgs(topic, key);
    const [channel, publish, maxLength, retention] = args;
    return String(
      await APPEND.run(this.redis, [stream], [channel, publish, serialize(payload), maxLength, retention]),
    );
  }

  async appendJob(change: JobChange): Promise<JobChange | null> {
    const { stream, args } = this.appendArgs('jobUpdated', change.id);
    const reply = await APPEND_JOB.run(
      this.redis,
      [stream],
      [
        ...args,
        JSON.stringify(change.id),
        change.status ?? '',
        change.progress === undefined ? '' : String(change.progress),
        change.status === 'COMPLETED' ? serialize(change.result ?? null) : '',
        change.error == null ? '' : JSON.stringify(change.error),
        change.source ?? '',
      ],
    );
    if (!Array.isArray(reply)) return null;
    const payload = deserialize<JobChange>(String(reply[1]));
    return { ...payload, cursor: String(reply[0]) };
  }

  async range<T extends Topic>(
    topic: T,
    key: string,
    after: string,
    count: number,
  ): Promise<Array<LoggedEvent<Topics[T]>>> {
    const { stream } = eventKeys(this.redis, this.prefix, topic, key);
    const reply = await RANGE.run(this.redis, [stream], [after, count, this.options.retentionSeconds * 1000]);
    if (reply === 'expired')
      throw new CursorExpiredError('this cursor is older than the events kept; refetch, then subscribe anew');
    // Entries of this stream were appended as this topic's payloads.
    return entriesOf(reply).map(({ id, payload }) => ({ id, payload: deserialize<Topics[T]>(payload) }));
  }

  async last<T extends Topic>(topic: T, key: string): Promise<LoggedEvent<Topics[T]> | null> {
    const { stream } = eventKeys(this.redis, this.prefix, topic, key);
    const reply = await redisCall(WHAT, () => this.redis.xrevrange(stream, '+', '-', 'COUNT', 1));
    const [entry] = entriesOf(reply);
    return entry === undefined ? null : { id: entry.id, payload: deserialize<Topics[T]>(entry.payload) };
  }

  async close(): Promise<void> {
    // The connection belongs to the caller.
  }
}
