/**
 * Scenario 4b, fan-out across instances (issues 11, 12, 13): the same board's subscribers spread
 * evenly over `--instances` docgate processes, scores published from one connection (the score
 * script, as `submitScore` runs it), on one Redis and on a local Redis Cluster of 3 masters
 * and 3 replicas; against the same subscribers on that first instance alone, in the same run.
 * Every subscriber checks, by each event's score (0, 1, 2... along a step), that it got every
 * event once: lost and duplicated deliveries are counted, not inferred. Then, on one Redis and one
 * instance, live fan-out with event cursors (the score script appends to the board's stream) versus
 * without (the same script minus the stream, bench/lib/publish-only.ts).
 *
 *   tsx bench/fanout-instances.ts [--subscribers 1500] [--instances 3] [--rates 1,2,5,10,20,50]
 *     [--duration 3] [--backends redis,cluster] [--cursors 1]   (rounds of cursors on/off; 0: skip)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedis, type RedisClient } from '../src/datasources/redis/client.js';
import { RedisEventLog } from '../src/datasources/redis/event-log.js';
import { RedisLeaderboards } from '../src/datasources/redis/leaderboards.js';
import { startRedisCluster } from '../test/helpers/redis-cluster.js';
import { BOARD, FANOUT_ENV, LADDER_DEFAULTS, SUBSCRIBE, startSubscriberClient } from './fanout.js';
import { pinListener, startBackends } from './lib/backends.js';
import type { Child } from './lib/child.js';
import { parseFlags } from './lib/flags.js';
import { binQuantile, stampMs } from './lib/latency-bins.js';
import { stderrLog } from './lib/measure.js';
import { submitWithoutLog } from './lib/publish-only.js';
import { type Cell, newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { median, ratio, round } from './lib/stats.js';
import { BASE_ENV, type ServerChild, startDocgate, stopAll } from './lib/targets.js';

export const DEFAULTS = {
  ...LADDER_DEFAULTS,
  /** Subscribers in all, spread evenly over the instances. */
  subscribers: 1500,
  instances: 3,
  rates: '1,2,5,10,20,50',
  /** Which Redis to run on: `redis` (one server), `cluster` (3 masters + 3 replicas). */
  backends: 'redis,cluster',
  /** Rounds of the cursors on/off comparison (one Redis, one instance); 0 skips it. */
  cursors: 1,
};

/** The README capacity model's per-instance assumptions ("Scaling out"), checked here. */
export const MODEL = { deliveriesPerCoreSecond: 20_400, subscribersPerGiB: 61_000 };

const PREFIX = 'bench-fan3:';
const GIVE_UP_MS = 2000;
/** A step drains until every delivery arrived or none arrived for this long. */
const QUIET_MS = 1500;

type Publish = (seq: number) => Promise<void>;

/** One instance with its share of the subscribers, read by a client process of its own. */
interface Member {
  server: ServerChild;
  client: Child<unknown>;
  count: number;
  rssKiB: number | null;
}

interface ClientStats {
  received: number;
  lastAt: number;
  distinct?: number;
  duplicates?: number;
  strays?: number;
}

interface InstanceStep {
  subscribers: number;
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  p50Ms: number | null;
  p99Ms: number | null;
  cpuSeconds: number | null;
}

interface Step {
  rate: number;
  published: number;
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  deliveriesPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Gateway CPU (all instances) per delivery, µs. */
  cpuUsPerDelivery: number | null;
  /** Median time one publish call took, ms (the score script, or the mutation around it). */
  publishMs: number;
  /** Redis CPU per event, µs (one Redis only; null on a cluster). */
  redisUsPerEvent: number | null;
  complete: boolean;
  instances: InstanceStep[];
}

const now = stampMs;
const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : round(v, 1));

/** Subscribers per member: `total` split as evenly as it goes. */
function shares(total: number, members: number): number[] {
  return Array.from(
    { length: members },
    (_, i) => Math.floor(total / members) + (i < total % members ? 1 : 0),
  );
}

async function rssKiBPerSubscriber(server: ServerChild, grew: () => Promise<void>, count: number) {
  const before = await server.request<NodeJS.MemoryUsage>('memory');
  await grew();
  await sleep(1500);
  const after = await server.request<NodeJS.MemoryUsage>('memory');
  return count === 0 ? null : round((after.rss - before.rss) / count / 1024, 1);
}

/** Connects each member's subscribers to its server; resolves once every one has received an event. */
async function connect(
  pairs: ReadonlyArray<{ server: ServerChild; client: Child<unknown>; count: number }>,
  publish: Publish,
): Promise<Member[]> {
  const members: Member[] = [];
  for (const { server, client, count } of pairs) {
    const open = async () => {
      const opened = await client.request<number>('connect', {
        url: server.ready.url,
        count,
        parallel: 20,
        ...SUBSCRIBE,
      });
      if (opened !== count) throw new Error(`${server.name}: ${opened} of ${count} subscribers connected`);
    };
    members.push({ server, client, count, rssKiB: await rssKiBPerSubscriber(server, open, count) });
  }
  const total = members.reduce((n, m) => n + m.count, 0);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    await Promise.all(members.map((m) => m.client.request('reset')));
    await publish(-1);
    // Up to 10 s per probe: on a loaded machine one event's burst took over a second to arrive,
    // and a 1 s wait then never saw every subscriber served.
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      await sleep(250);
      const got = await Promise.all(members.map((m) => m.client.request<ClientStats>('stats')));
      if (got.reduce((n, s) => n + s.received, 0) >= total) return members;
    }
  }
  throw new Error('subscribers never all received an event');
}

async function disconnect(members: readonly Member[]): Promise<void> {
  await Promise.all(members.map((m) => m.client.request('close')));
  await sleep(2000);
}

async function redisCpuSeconds(redis: RedisClient | null): Promise<number | null> {
  if (redis === null) return null;
  const info = await redis.info('cpu');
  const user = /used_cpu_user:([\d.]+)/.exec(info)?.[1];
  const sys = /used_cpu_sys:([\d.]+)/.exec(info)?.[1];
  return user === undefined || sys === undefined ? null : Number(user) + Number(sys);
}

async function runStep(
  members: readonly Member[],
  publish: Publish,
  rate: number,
  seconds: number,
  redis: RedisClient | null,
): Promise<Step> {
  const total = Math.max(1, Math.round(rate * seconds));
  await Promise.all(members.map((m) => m.client.request('reset', { events: total })));
  const cpu0 = members.map((m) => m.server.cpuSeconds());
  const redis0 = await redisCpuSeconds(redis);
  const publishTimes: number[] = [];
  const started = performance.now();
  const startedAt = now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const t = performance.now();
    await publish(i);
    publishTimes.push(performance.now() - t);
  }
  const publishing = (performance.now() - started) / 1000;
  const expected = members.map((m) => total * m.count);
  const wanted = expected.reduce((a, b) => a + b, 0);
  const read = () => Promise.all(members.map((m) => m.client.request<ClientStats>('stats')));
  let stats = await read();
  const sum = (list: readonly ClientStats[]) => list.reduce((n, s) => n + s.received, 0);
  let seen = sum(stats);
  let progressAt = performance.now();
  while (seen < wanted && performance.now() - progressAt < QUIET_MS) {
    await sleep(100);
    stats = await read();
    if (sum(stats) !== seen) {
      seen = sum(stats);
      progressAt = performance.now();
    }
  }
  const cpu1 = members.map((m) => m.server.cpuSeconds());
  const redis1 = await redisCpuSeconds(redis);
  const histograms = await Promise.all(
    members.map((m) => m.client.request<Array<[number, number]>>('histogram')),
  );
  const instances = members.map((m, i): InstanceStep => {
    const s = stats[i] ?? { received: 0, lastAt: 0 };
    const before = cpu0[i];
    const after = cpu1[i];
    const own = histograms[i] ?? [];
    return {
      subscribers: m.count,
      expected: expected[i] ?? 0,
      received: s.received,
      lost: (expected[i] ?? 0) - (s.distinct ?? 0),
      duplicated: s.duplicates ?? 0,
      p50Ms: finite(binQuantile([own], 0.5)),
      p99Ms: finite(binQuantile([own], 0.99)),
      cpuSeconds: before == null || after == null ? null : after - before,
    };
  });
  const received = sum(stats);
  const lastAt = Math.max(...stats.map((s) => s.lastAt));
  const cpus = instances.map((i) => i.cpuSeconds);
  const cpu = cpus.some((c) => c === null) ? null : cpus.reduce<number>((a, c) => a + (c ?? 0), 0);
  return {
    rate,
    published: total,
    expected: wanted,
    received,
    lost: instances.reduce((n, i) => n + i.lost, 0),
    duplicated: instances.reduce((n, i) => n + i.duplicated, 0),
    // From the first publish to the last delivery: a backlog drained late lowers it.
    deliveriesPerSecond: Math.round(
      Math.min(received, wanted) / Math.max(publishing, (lastAt - startedAt) / 1000),
    ),
    p50Ms: finite(binQuantile(histograms, 0.5)),
    p99Ms: finite(binQuantile(histograms, 0.99)),
    cpuUsPerDelivery: cpu === null || received === 0 ? null : round((cpu * 1e6) / received, 1),
    publishMs: round(median(publishTimes), 2),
    redisUsPerEvent: redis0 === null || redis1 === null ? null : round(((redis1 - redis0) * 1e6) / total, 1),
    complete: received >= wanted,
    instances,
  };
}

/** Rising rates until a step leaves deliveries missing or its p99 passes GIVE_UP_MS. */
async function ladder(
  label: string,
  members: readonly Member[],
  publish: Publish,
  rates: readonly number[],
  seconds: number,
  redis: RedisClient | null = null,
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const rate of rates) {
    const step = await runStep(members, publish, rate, seconds, redis);
    steps.push(step);
    stderrLog(
      `  ${label}: ${rate}/s -> ${step.deliveriesPerSecond} deliveries/s, ${step.received}/${step.expected} received, lost ${step.lost}, duplicated ${step.duplicated}, p50/p99 ${step.p50Ms}/${step.p99Ms} ms, ${step.cpuUsPerDelivery} µs CPU/delivery`,
    );
    if (!step.complete || (step.p99Ms ?? 0) > GIVE_UP_MS) break;
  }
  await sleep(2000);
  return steps;
}

/** The ladder's top: the last step with every delivery in. */
function top(steps: readonly Step[]): Step | undefined {
  return steps.filter((s) => s.complete).at(-1);
}

/** Lost and duplicated over the steps within capacity (the top and those below it). */
function integrity(steps: readonly Step[]): { published: number; lost: number; duplicated: number } {
  const within = steps.filter((s) => s.complete);
  return {
    published: within.reduce((n, s) => n + s.published, 0),
    lost: within.reduce((n, s) => n + s.lost, 0),
    duplicated: within.reduce((n, s) => n + s.duplicated, 0),
  };
}

/**
 * Publishes as `submitScore` does: the score script (board change, stream append, publish) on a
 * connection of its own, SPUBLISH on a cluster. Not through a gateway's HTTP API: on this loaded
 * machine its session look-up timed out (503) and a retried score could be published twice.
 */
function scriptPublisher(url: string): { publish: Publish; redis: RedisClient } {
  // Patient: a timed-out score may still have run, and would then count as lost.
  const redis = createRedis(url, { commandTimeout: 30_000 });
  const boards = new RedisLeaderboards(
    redis,
    PREFIX,
    new RedisEventLog(redis, PREFIX, { retentionSeconds: 3600, maxLength: 10_000 }),
  );
  const publish: Publish = async (seq) => void (await boards.submit(BOARD, `t${now().toFixed(3)}`, seq));
  return { publish, redis };
}

interface Backend {
  name: 'redis' | 'cluster';
  url: string;
  stop(): Promise<void>;
}

async function startBackend(name: string): Promise<Backend> {
  if (name === 'redis') {
    const backends = await startBackends({ redis: true });
    return { name, url: backends.redisUrl, stop: () => backends.stop() };
  }
  if (name === 'cluster') {
    const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    for (const node of cluster.startupNodes) pinListener(node.port);
    return { name, url: cluster.url, stop: () => cluster.stop() };
  }
  throw new Error(`--backends: redis or cluster, not ${name}`);
}

interface Layout {
  backend: string;
  instances: number;
  steps: Step[];
  rssKiB: Array<number | null>;
}

/** On one backend: the subscribers on the first instance alone, then spread over every instance. */
async function onBackend(name: string, flags: typeof DEFAULTS, rates: readonly number[]): Promise<Layout[]> {
  const backend = await startBackend(name);
  const mine: Array<{ stop(): Promise<void> }> = [];
  try {
    const env = { ...BASE_ENV, ...FANOUT_ENV, REDIS_URL: backend.url, REDIS_PREFIX: PREFIX };
    const started = await Promise.allSettled(
      Array.from({ length: flags.instances }, (_, i) =>
        Promise.all([
          startDocgate(`docgate ${i + 1} (${name})`, { env }),
          startSubscriberClient(`subscribers ${i + 1} (${name})`),
        ]),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') mine.push(...s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value[0]] : []));
    const clients = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value[1]] : []));
    const [first] = servers;
    if (first === undefined) throw new Error('--instances must be at least 1');
    const publisher = scriptPublisher(backend.url);
    mine.push({ stop: async () => publisher.redis.disconnect() });
    const { publish } = publisher;
    const counts = shares(flags.subscribers, flags.instances);
    const layouts: Layout[] = [];
    // The same client processes read in both layouts, so only the server side differs.
    for (const spread of [false, true]) {
      const pairs = clients.map((client, i) => ({
        server: (spread ? servers[i] : first) ?? first,
        client,
        count: counts[i] ?? 0,
      }));
      const members = await connect(pairs, publish);
      const label = `${name}, ${spread ? flags.instances : 1} instance(s)`;
      stderrLog(`  ${label}: ${flags.subscribers} subscribers connected`);
      const steps = await ladder(label, members, publish, rates, flags.duration);
      layouts.push({
        backend: name,
        instances: spread ? flags.instances : 1,
        steps,
        rssKiB: spread ? members.map((m) => m.rssKiB) : [members[0]?.rssKiB ?? null],
      });
      await disconnect(members);
    }
    return layouts;
  } finally {
    await stopAll(mine);
    await backend.stop();
  }
}

/** One Redis, one instance: ladders with the score script (stream + publish) and without the stream. */
async function cursorsOnOff(
  flags: typeof DEFAULTS,
  rates: readonly number[],
): Promise<{ on: Step[][]; off: Step[][] }> {
  const backend = await startBackend('redis');
  const mine: Array<{ stop(): Promise<void> }> = [];
  const { publish: on, redis } = scriptPublisher(backend.url);
  try {
    const server = await startDocgate('docgate (cursors)', {
      env: { ...BASE_ENV, ...FANOUT_ENV, REDIS_URL: backend.url, REDIS_PREFIX: PREFIX },
    });
    mine.push(server);
    const player = () => `t${now().toFixed(3)}`;
    const off: Publish = (seq) => submitWithoutLog(redis, PREFIX, BOARD, player(), seq);
    const pairs = [];
    for (const [i, count] of shares(flags.subscribers, flags.instances).entries()) {
      const client = await startSubscriberClient(`subscribers ${i + 1} (cursors)`);
      mine.push(client);
      pairs.push({ server, client, count });
    }
    const members = await connect(pairs, on);
    const result = { on: [] as Step[][], off: [] as Step[][] };
    for (let r = 0; r < flags.cursors; r++) {
      result.on.push(await ladder('cursors on', members, on, rates, flags.duration, redis));
      result.off.push(await ladder('cursors off', members, off, rates, flags.duration, redis));
    }
    return result;
  } finally {
    redis.disconnect();
    await stopAll(mine);
    await backend.stop();
  }
}

function layoutRows(layout: Layout, alone: Layout | undefined, count: number): Array<Record<string, Cell>> {
  const max = top(layout.steps);
  const base = alone === undefined ? undefined : top(alone.steps)?.deliveriesPerSecond;
  const checked = integrity(layout.steps);
  const perCore = (us: number | null | undefined) => (us == null || us === 0 ? null : Math.round(1e6 / us));
  const all: Record<string, Cell> = {
    backend: layout.backend,
    instances: layout.instances,
    instance: 'all',
    subscribers: count,
    'events published': checked.published,
    'expected (up to max)': max === undefined ? null : max.expected,
    'received (at max)': max?.received ?? null,
    lost: checked.lost,
    duplicated: checked.duplicated,
    'max deliveries/s (all delivered)': max?.deliveriesPerSecond ?? null,
    'at publishes/s': max?.rate ?? null,
    'p50 ms': max?.p50Ms ?? null,
    'p99 ms': max?.p99Ms ?? null,
    'CPU us/delivery': max?.cpuUsPerDelivery ?? null,
    'deliveries/core-s': perCore(max?.cpuUsPerDelivery),
    'RSS KiB/sub': layout.rssKiB.length === 1 ? (layout.rssKiB[0] ?? null) : null,
    'x one instance': layout.instances === 1 ? null : ratio(max?.deliveriesPerSecond, base),
    'x (instances x one)':
      layout.instances === 1
        ? null
        : ratio(max?.deliveriesPerSecond, base === undefined ? null : base * layout.instances),
  };
  if (layout.instances === 1 || max === undefined) return [all];
  const each = max.instances.map((i, n): Record<string, Cell> => {
    const us = i.cpuSeconds === null || i.received === 0 ? null : round((i.cpuSeconds * 1e6) / i.received, 1);
    return {
      backend: layout.backend,
      instances: layout.instances,
      instance: n + 1,
      subscribers: i.subscribers,
      'expected (up to max)': i.expected,
      'received (at max)': i.received,
      lost: i.lost,
      duplicated: i.duplicated,
      'p50 ms': i.p50Ms,
      'p99 ms': i.p99Ms,
      'CPU us/delivery': us,
      'deliveries/core-s': perCore(us),
      'RSS KiB/sub': layout.rssKiB[n] ?? null,
    };
  });
  return [all, ...each];
}

export async function fanoutInstances(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const rates = flags.rates.split(',').map(Number);
  const names = flags.backends.split(',').filter((b) => b !== '');
  const layouts: Layout[] = [];
  for (const name of names) layouts.push(...(await onBackend(name, flags, rates)));
  const cursors = flags.cursors > 0 ? await cursorsOnOff(flags, rates) : null;

  const rows = names.flatMap((name) => {
    const mine = layouts.filter((l) => l.backend === name);
    const alone = mine.find((l) => l.instances === 1);
    return mine.flatMap((l) => layoutRows(l, alone, flags.subscribers));
  });
  const maxOf = (ladders: readonly Step[][]) =>
    median(ladders.map((steps) => top(steps)?.deliveriesPerSecond ?? 0));
  // The median over rounds of a figure at each ladder's top; null when no round has it.
  const at = (ladders: readonly Step[][], pick: (s: Step) => number | null) => {
    const values = ladders.flatMap((steps) => {
      const step = top(steps);
      const value = step === undefined ? null : pick(step);
      return value === null ? [] : [value];
    });
    return values.length === 0 ? null : median(values);
  };
  if (cursors !== null)
    for (const [variant, ladders] of [
      ['cursors on (stream + publish)', cursors.on],
      ['cursors off (publish only)', cursors.off],
    ] as const)
      rows.push({
        backend: 'redis',
        instances: 1,
        instance: variant,
        subscribers: flags.subscribers,
        lost: ladders.reduce((n, steps) => n + integrity(steps).lost, 0),
        duplicated: ladders.reduce((n, steps) => n + integrity(steps).duplicated, 0),
        'max deliveries/s (all delivered)': maxOf(ladders),
        'p99 ms': at(ladders, (s) => s.p99Ms),
        'CPU us/delivery': at(ladders, (s) => s.cpuUsPerDelivery),
        'publish ms p50': at(ladders, (s) => s.publishMs),
        'Redis us/event': at(ladders, (s) => s.redisUsPerEvent),
      });

  const spread = layouts.filter((l) => l.instances > 1);
  const clean = layouts.every((l) => {
    const c = integrity(l.steps);
    return c.lost === 0 && c.duplicated === 0 && c.published > 0;
  });
  const scaling = spread.map((l) => {
    const alone = layouts.find((o) => o.backend === l.backend && o.instances === 1);
    const mine = top(l.steps)?.deliveriesPerSecond;
    const base = alone === undefined ? undefined : top(alone.steps)?.deliveriesPerSecond;
    return `${l.backend}: ${mine ?? 0} vs ${base ?? 0} deliveries/s, ${ratio(mine, base) ?? '-'}x one instance, ${ratio(mine, base === undefined ? null : base * l.instances) ?? '-'}x ${l.instances}x one`;
  });
  const costs = spread.map((l) => {
    const us = top(l.steps)?.cpuUsPerDelivery ?? null;
    const rss = l.rssKiB.filter((v): v is number => v !== null);
    const perGiB = rss.length === 0 ? null : Math.round((1024 * 1024) / median(rss));
    return `${l.backend}: ${us ?? '-'} µs CPU per delivery = ${us ? Math.round(1e6 / us) : '-'} deliveries per core-second (model ${MODEL.deliveriesPerCoreSecond}); ${perGiB ?? '-'} subscribers per GiB of RSS (model ${MODEL.subscribersPerGiB})`;
  });
  const onMax = cursors === null ? null : maxOf(cursors.on);
  const offMax = cursors === null ? null : maxOf(cursors.off);
  const cursorRatio = ratio(onMax, offMax);
  return {
    ...newResult(
      'fanout-instances',
      `Fan-out across ${flags.instances} instances: ${flags.subscribers} WebSocket subscribers of one board`,
      { ...flags },
    ),
    columns: [...new Set(rows.flatMap((r) => Object.keys(r)))],
    rows,
    targets: [
      {
        goal: `no event lost or duplicated across ${flags.instances} instances (every subscriber checks each event's sequence)`,
        measured: layouts
          .map((l) => {
            const c = integrity(l.steps);
            return `${l.backend} x${l.instances}: ${c.published} events, ${c.lost} lost, ${c.duplicated} duplicated`;
          })
          .join('; '),
        met: layouts.length === 0 ? null : clean,
      },
      {
        goal: `throughput across ${flags.instances} instances close to ${flags.instances}x one instance's`,
        measured: `${scaling.join('; ')}; every gateway on one core here, so the figure is what spreading costs, not scaling`,
        met: null,
      },
      {
        goal: 'capacity model per instance (README "Scaling out")',
        measured: costs.join('; '),
        met: null,
      },
      {
        goal: 'live fan-out with cursors within 10% of without (max deliveries/s, all delivered)',
        measured:
          cursors === null
            ? 'not run (--cursors 0)'
            : `${cursorRatio ?? '-'}x (${onMax} vs ${offMax} deliveries/s); score publish p50 ${at(cursors.on, (s) => s.publishMs)} vs ${at(cursors.off, (s) => s.publishMs)} ms, Redis CPU per event ${at(cursors.on, (s) => s.redisUsPerEvent)} vs ${at(cursors.off, (s) => s.redisUsPerEvent)} µs`,
        met: cursorRatio === null ? null : cursorRatio >= 0.9,
      },
    ],
    notes: [
      `Publishes at ${rates.join(', ')} per second, ${flags.duration} s each, until a step leaves deliveries missing (after ${QUIET_MS} ms without one) or its p99 passes ${GIVE_UP_MS} ms; max = the last step with every delivery in. Lost and duplicated are counted over the steps up to max, per subscriber, by each event's score (its sequence along the step).`,
      `Every gateway is pinned to core 0 and every subscriber process (one per instance, the same ones in both layouts), Redis and the cluster's 6 nodes to core 1: this machine has 2 cores, so ${flags.instances} instances cannot show ${flags.instances}x; "x one instance" near 1 means spreading over instances costs little per delivery, and the per-instance CPU per delivery is what the capacity model scales.`,
      'Scores are published by the score script as submitScore runs it (board change, stream append, PUBLISH or SPUBLISH), from the bench process; the cursors comparison runs it (on) against the same script without its stream append (off, bench/lib/publish-only.ts), so the difference is the log append alone.',
    ],
    details: { layouts, cursors },
  };
}

runWhenMain(import.meta.url, fanoutInstances);
