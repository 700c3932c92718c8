import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type HttpTarget, post } from './measure.js';
import { round } from './stats.js';

export type Counts = Record<string, number>;

/** Backend work per request, counted while requests run one at a time (never while timing). */
export interface Work {
  requests: number;
  /** MongoDB commands per request by name (driver command monitoring), and their total. */
  mongo: Counts | null;
  mongoTotal: number | null;
  /** Redis commands per request by name (`INFO commandstats` deltas, script-internal ones included). */
  redis: Counts | null;
  redisTotal: number | null;
  /**
   * Redis round trips per request: commands clients sent (MONITOR), a MULTI..EXEC block counted
   * once; commands a script runs are not round trips.
   */
  redisRoundTrips: number | null;
  /** Commands clients sent per request, by name (MONITOR; script-internal ones left out). */
  redisSent: Counts | null;
}

function parseCommandStats(info: string): Counts {
  const counts: Counts = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const [, name, calls] = match;
    if (name !== undefined && calls !== undefined) counts[name] = Number(calls);
  }
  return counts;
}

function perRequest(before: Counts, after: Counts, requests: number, ignore: ReadonlySet<string>): Counts {
  const out: Counts = {};
  for (const [name, value] of Object.entries(after)) {
    if (ignore.has(name)) continue;
    const delta = value - (before[name] ?? 0);
    if (delta > 0) out[name] = round(delta / requests, 2);
  }
  return out;
}

const sum = (counts: Counts) =>
  round(
    Object.values(counts).reduce((a, b) => a + b, 0),
    2,
  );

const BENCH_COMMANDS = new Set(['info', 'echo', 'hello', 'client', 'select', 'monitor']);

/** Counts client round trips with MONITOR until stopped; `stop` waits for the stream to catch up. */
async function monitorRoundTrips(url: string): Promise<{ stop(): Promise<{ trips: number; sent: Counts }> }> {
  const monitor = await new Redis(url, { lazyConnect: true }).monitor();
  const control = new Redis(url);
  const inMulti = new Set<string>();
  let trips = 0;
  const sent: Counts = {};
  let waiting: { marker: string; resolve: () => void } | undefined;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const command = (args[0] ?? '').toLowerCase();
    if (command === 'echo' && waiting !== undefined && args[1] === waiting.marker) {
      waiting.resolve();
      return;
    }
    // Scripts' own commands are no round trips; the rest are this counter's own connections.
    if (source === 'lua' || BENCH_COMMANDS.has(command)) return;
    sent[command] = (sent[command] ?? 0) + 1;
    if (command === 'multi') {
      inMulti.add(source);
      trips++;
    } else if (command === 'exec' || command === 'discard') inMulti.delete(source);
    else if (!inMulti.has(source)) trips++;
  });
  return {
    async stop() {
      const marker = randomUUID();
      const seen = new Promise<void>((resolve) => {
        waiting = { marker, resolve };
      });
      await control.echo(marker);
      await seen;
      monitor.disconnect();
      control.disconnect();
      return { trips, sent };
    },
  };
}

/**
 * Sends `requests` requests one at a time and counts the backend work they caused, per request.
 * `mongo` reads the server's driver counts (over IPC); `redisUrl` names the Redis to watch.
 */
export async function countWork(
  target: HttpTarget,
  requests: number,
  backends: { mongo?: () => Promise<Counts>; redisUrl?: string | readonly string[] },
): Promise<Work> {
  // A Redis Cluster is watched node by node (each master's URL) and the counts added up.
  const urls = backends.redisUrl === undefined ? [] : [backends.redisUrl].flat();
  const redis = urls.map((url) => new Redis(url));
  const stats = async () =>
    addCounts(await Promise.all(redis.map(async (r) => parseCommandStats(await r.info('commandstats')))));
  const statsBefore = urls.length === 0 ? null : await stats();
  const mongoBefore = backends.mongo ? await backends.mongo() : null;
  const trips = await Promise.all(urls.map((url) => monitorRoundTrips(url)));
  for (let i = 0; i < requests; i++) {
    await post(target, target.bodies[i % target.bodies.length] ?? '');
  }
  const monitored = urls.length === 0 ? null : await Promise.all(trips.map((t) => t.stop()));
  const mongoAfter = backends.mongo ? await backends.mongo() : null;
  const statsAfter = urls.length === 0 ? null : await stats();
  for (const r of redis) r.disconnect();
  const ignore = new Set(['info', 'echo', 'monitor', 'client|setinfo', 'client|setname', 'select']);
  const mongo = mongoBefore && mongoAfter ? perRequest(mongoBefore, mongoAfter, requests, new Set()) : null;
  const redisCounts =
    statsBefore && statsAfter ? perRequest(statsBefore, statsAfter, requests, ignore) : null;
  const tripCount = monitored?.reduce((a, m) => a + m.trips, 0) ?? null;
  return {
    requests,
    mongo,
    mongoTotal: mongo === null ? null : sum(mongo),
    redis: redisCounts,
    redisTotal: redisCounts === null ? null : sum(redisCounts),
    redisRoundTrips: tripCount === null ? null : round(tripCount / requests, 2),
    redisSent:
      monitored === null
        ? null
        : perRequest({}, addCounts(monitored.map((m) => m.sent)), requests, new Set()),
  };
}

function addCounts(all: readonly Counts[]): Counts {
  const out: Counts = {};
  for (const counts of all)
    for (const [name, value] of Object.entries(counts)) out[name] = (out[name] ?? 0) + value;
  return out;
}

/** `find 1, count 1` from counts, for tables. */
export function describeCounts(counts: Counts | null): string {
  if (counts === null) return '-';
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}
