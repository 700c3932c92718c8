/**
 * Scenario 4, fan-out: N WebSocket subscribers of one leaderboard on one instance, publishes at a
 * rising rate; deliveries/s sustained with publish-to-receive p99 under 100 ms, and memory per
 * connection. Peers: a minimal stock graphql-ws + graphql-redis-subscriptions server, and a raw
 * `ws` broadcast of the same bytes. Also the memory of `--idle` idle docgate subscriptions.
 *
 *   tsx bench/fanout.ts [--subscribers 5000] [--rates 1,2,5,10,20,50,100,200] [--duration 3] [--idle 10000]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisEventLog } from '../src/datasources/redis/event-log.js';
import { RedisLeaderboards } from '../src/datasources/redis/leaderboards.js';
import { startBackends } from './lib/backends.js';
import { benchFile, type Child, startChild } from './lib/child.js';
import { LOAD_CORE, SERVER_CORE } from './lib/cores.js';
import { parseFlags } from './lib/flags.js';
import { stampMs } from './lib/latency-bins.js';
import { stderrLog } from './lib/measure.js';
import { LEADERBOARD_UPDATED } from './lib/queries.js';
import { type Cell, newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { median, ratio, round } from './lib/stats.js';
import { BASE_ENV, type ServerChild, startDocgate, stopAll } from './lib/targets.js';

/** The rate ladder's settings, shared with bench/fanout-instances.ts. */
export const LADDER_DEFAULTS = {
  /** Seconds of publishing per rate step. */
  duration: 3,
  warmup: 0,
  rounds: 1,
  connections: 0,
  tool: 'auto' as const,
};

export const DEFAULTS = {
  ...LADDER_DEFAULTS,
  subscribers: 5000,
  rates: '1,2,5,10,20,50,100,200',
  /** Idle docgate subscriptions whose memory is measured (0: skip). */
  idle: 10_000,
};

export const BOARD = 'fan';
/** Every subscriber connects anonymously from one address: the per-caller limit out of the way. */
export const FANOUT_ENV = { MAX_CONNECTIONS_PER_CALLER: '1000000' };
export const SUBSCRIBE = { query: LEADERBOARD_UPDATED, variables: { board: BOARD } };
const LIMIT_MS = 100;
/** A step slower than this at p99 ends the ladder: the server has a backlog. */
const GIVE_UP_MS = 2000;

type Kind = 'docgate' | 'stock graphql-ws' | 'raw ws';

interface Stats {
  received: number;
  /** Epoch ms of the last delivery. */
  lastAt: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

interface Step {
  rate: number;
  published: number;
  deliveriesPerSecond: number;
  delivered: number;
  p50Ms: number | null;
  p99Ms: number | null;
  clientCpu: number | null;
  serverCpu: number | null;
  /** Server CPU per delivery over the step and its drain, in microseconds. */
  cpuUsPerDelivery: number | null;
  /** Everything delivered. */
  complete: boolean;
  /** Everything delivered, with p99 under the limit. */
  ok: boolean;
}

interface Setup {
  kind: Kind;
  server: ServerChild;
  client: Child<unknown>;
  publish(seq: number): Promise<void>;
  rssPerConnection: number | null;
  heapPerConnection: number | null;
}

const now = stampMs;

/** A change as docgate publishes it; the publish time travels in `player`. */
function change(seq: number) {
  return { board: BOARD, player: `t${now().toFixed(3)}`, score: seq, rank: 1, previousRank: null };
}

/** The fields the contract's subscription selects, in its order: the bytes every server sends. */
function selected(seq: number) {
  const { player, score, rank, previousRank } = change(seq);
  return { player, score, rank, previousRank };
}

/** A subscriber process (clients/ws-subscribers.ts) on the load core. */
export function startSubscriberClient(name: string): Promise<Child<unknown>> {
  return startChild(name, benchFile('clients/ws-subscribers.ts'), { core: LOAD_CORE });
}

async function memory(server: ServerChild): Promise<NodeJS.MemoryUsage> {
  return server.request<NodeJS.MemoryUsage>('memory');
}

/** Connects `count` subscribers and measures what they cost the server. */
async function connect(
  server: ServerChild,
  client: Child<unknown>,
  count: number,
): Promise<{ rss: number | null; heap: number | null }> {
  const before = await memory(server);
  // 20 handshakes at a time: at 20,000 a wider burst can starve connection_init past its 3 s (4408).
  const opened = await client.request<number>('connect', {
    url: server.ready.url,
    count,
    parallel: 20,
    ...SUBSCRIBE,
  });
  if (opened !== count) throw new Error(`${server.name}: ${opened} of ${count} subscribers connected`);
  await sleep(2000);
  const after = await memory(server);
  return {
    rss: round((after.rss - before.rss) / count / 1024, 1),
    heap: round((after.heapUsed - before.heapUsed) / count / 1024, 1),
  };
}

/** Publishes until one event reaches every subscriber (all subscriptions are live). */
async function probe(setup: Setup, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await setup.client.request('reset');
    await setup.publish(-1);
    await sleep(1000);
    const stats = await setup.client.request<Stats>('stats');
    if (stats.received >= count) return;
  }
  throw new Error(`${setup.kind}: subscribers never all received an event`);
}

async function runStep(setup: Setup, rate: number, seconds: number, count: number): Promise<Step> {
  await setup.client.request('reset');
  const total = Math.max(1, Math.round(rate * seconds));
  const clientCpu0 = setup.client.cpuSeconds();
  const serverCpu0 = setup.server.cpuSeconds();
  const started = performance.now();
  const startedAt = now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    await setup.publish(i);
  }
  const publishing = (performance.now() - started) / 1000;
  // Drains: waits until everything arrived, or nothing more arrived for a second.
  let stats = await setup.client.request<Stats>('stats');
  let progressAt = performance.now();
  let seen = stats.received;
  while (stats.received < total * count && performance.now() - progressAt < 1000) {
    await sleep(100);
    stats = await setup.client.request<Stats>('stats');
    if (stats.received !== seen) {
      seen = stats.received;
      progressAt = performance.now();
    }
  }
  const serverCpu1 = setup.server.cpuSeconds();
  const elapsed = (performance.now() - started) / 1000;
  const cpu = (a: number | null, b: number | null) =>
    a === null || b === null ? null : round((b - a) / elapsed, 2);
  const expected = total * count;
  return {
    rate,
    published: total,
    delivered: stats.received,
    // From the first publish to the last delivery: a backlog drained late lowers it.
    deliveriesPerSecond: Math.round(
      Math.min(stats.received, expected) / Math.max(publishing, (stats.lastAt - startedAt) / 1000),
    ),
    p50Ms: stats.p50Ms === null ? null : round(stats.p50Ms, 1),
    p99Ms: stats.p99Ms === null ? null : round(stats.p99Ms, 1),
    clientCpu: cpu(clientCpu0, setup.client.cpuSeconds()),
    serverCpu: cpu(serverCpu0, serverCpu1),
    cpuUsPerDelivery:
      serverCpu0 === null || serverCpu1 === null || stats.received === 0
        ? null
        : round(((serverCpu1 - serverCpu0) * 1e6) / stats.received, 1),
    complete: stats.received >= expected,
    ok: stats.received >= expected && stats.p99Ms !== null && stats.p99Ms < LIMIT_MS,
  };
}

async function ladder(
  setup: Setup,
  rates: readonly number[],
  seconds: number,
  count: number,
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const rate of rates) {
    const step = await runStep(setup, rate, seconds, count);
    steps.push(step);
    stderrLog(
      `  ${setup.kind}: ${rate} publishes/s -> ${step.deliveriesPerSecond} deliveries/s, p99 ${step.p99Ms} ms, ${step.delivered}/${step.published * count} delivered, server CPU ${step.serverCpu}, client CPU ${step.clientCpu}`,
    );
    // Past the latency limit the ladder goes on while everything arrives, for the throughput ceiling.
    if (!step.complete || (step.p99Ms ?? 0) > GIVE_UP_MS) break;
  }
  // Lets a backlog drain before another server is loaded.
  await sleep(2000);
  return steps;
}

export async function fanout(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const rates = flags.rates.split(',').map(Number);
  const count = flags.subscribers;
  const backends = await startBackends({ redis: true });
  const children: Array<{ stop(): Promise<void> }> = [];
  const publishers: Array<{ close(): Promise<void> | void }> = [];
  try {
    const prefix = 'bench-fan:';
    const docgate = await startDocgate('docgate', {
      env: { ...BASE_ENV, ...FANOUT_ENV, REDIS_URL: backends.redisUrl, REDIS_PREFIX: prefix },
    });
    const stock = await startChild<ServerChild['ready']>(
      'stock graphql-ws',
      benchFile('servers/stock-ws.ts'),
      {
        core: SERVER_CORE,
        env: { BENCH_OPTIONS: JSON.stringify({ redisUrl: backends.redisUrl }) },
        nodeFlags: ['--expose-gc'],
      },
    );
    const raw = await startChild<ServerChild['ready']>('raw ws', benchFile('servers/raw-ws.ts'), {
      core: SERVER_CORE,
      env: { BENCH_OPTIONS: JSON.stringify({ redisUrl: backends.redisUrl }) },
      nodeFlags: ['--expose-gc'],
    });
    children.push(docgate, stock, raw);

    const redis = new Redis(backends.redisUrl);
    publishers.push({ close: () => redis.disconnect() });
    // docgate's events are made as submitScore makes them: the score script changes the board,
    // appends the event to its log (the cursor) and publishes it, in one round trip.
    const boards = new RedisLeaderboards(
      redis,
      prefix,
      new RedisEventLog(redis, prefix, { retentionSeconds: 3600, maxLength: 10_000 }),
    );
    const publishers_: Record<Kind, (seq: number) => Promise<void>> = {
      docgate: async (seq) => {
        const { player, score } = change(seq);
        await boards.submit(BOARD, player, score);
      },
      'stock graphql-ws': async (seq) => {
        await redis.publish(
          `leaderboardUpdated:${BOARD}`,
          JSON.stringify({ leaderboardUpdated: selected(seq) }),
        );
      },
      'raw ws': async (seq) => {
        const frame = { id: '1', type: 'next', payload: { data: { leaderboardUpdated: selected(seq) } } };
        await redis.publish(`raw:${BOARD}`, JSON.stringify(frame));
      },
    };
    const setups: Setup[] = [];
    for (const [kind, server] of [
      ['docgate', docgate],
      ['stock graphql-ws', stock],
      ['raw ws', raw],
    ] as const) {
      const client = await startSubscriberClient(`${kind} subscribers`);
      children.push(client);
      const mem = await connect(server, client, count);
      stderrLog(`  ${kind}: ${count} subscribers, ${mem.rss} KiB RSS and ${mem.heap} KiB heap each`);
      const setup: Setup = {
        kind,
        server,
        client,
        publish: publishers_[kind],
        rssPerConnection: mem.rss,
        heapPerConnection: mem.heap,
      };
      await probe(setup, count);
      setups.push(setup);
    }

    const runs = new Map<Kind, Step[][]>();
    for (let r = 0; r < flags.rounds; r++)
      for (const setup of setups) {
        const list = runs.get(setup.kind) ?? [];
        list.push(await ladder(setup, rates, flags.duration, count));
        runs.set(setup.kind, list);
      }
    const sustained = (steps: Step[]) => steps.filter((s) => s.ok).at(-1);
    const ceiling = (steps: Step[]) => steps.filter((s) => s.complete).at(-1);
    const summary = setups.map((setup) => {
      const ladders = runs.get(setup.kind) ?? [];
      const last = ladders.at(-1) ?? [];
      const max = ceiling(last);
      return {
        setup,
        deliveries: median(ladders.map((steps) => sustained(steps)?.deliveriesPerSecond ?? 0)),
        throughput: median(ladders.map((steps) => ceiling(steps)?.deliveriesPerSecond ?? 0)),
        top: sustained(last),
        max,
        // Server CPU per delivery at the ceiling, in microseconds.
        cost: max?.cpuUsPerDelivery ?? null,
        last,
      };
    });
    const by = (kind: Kind) => summary.find((s) => s.setup.kind === kind)?.deliveries;
    const throughputOf = (kind: Kind) => summary.find((s) => s.setup.kind === kind)?.throughput;
    const rows: Array<Record<string, Cell>> = summary.map((s) => ({
      server: s.setup.kind,
      subscribers: count,
      'deliveries/s (p99 < 100 ms)': s.deliveries,
      'at publishes/s': s.top?.rate ?? null,
      'p99 ms there': s.top?.p99Ms ?? null,
      'x stock': ratio(s.deliveries, by('stock graphql-ws')),
      'x raw': ratio(s.deliveries, by('raw ws')),
      'max deliveries/s (all delivered)': s.throughput,
      'p99 ms at max': s.max?.p99Ms ?? null,
      'max x stock': ratio(s.throughput, throughputOf('stock graphql-ws')),
      'max x raw': ratio(s.throughput, throughputOf('raw ws')),
      'server CPU us/delivery': s.cost,
      'client CPU at max': s.max?.clientCpu ?? null,
      'RSS KiB/conn': s.setup.rssPerConnection,
      'heap KiB/conn': s.setup.heapPerConnection,
    }));

    let idle: { rss: number | null; heap: number | null } | null = null;
    if (flags.idle > 0) {
      for (const setup of setups) await setup.client.request('close');
      const idleServer = await startDocgate('docgate idle', {
        env: { ...BASE_ENV, ...FANOUT_ENV, REDIS_URL: backends.redisUrl, REDIS_PREFIX: 'bench-idle:' },
      });
      children.push(idleServer);
      const client = await startSubscriberClient('idle subscribers');
      children.push(client);
      idle = await connect(idleServer, client, flags.idle);
      stderrLog(
        `  docgate idle: ${flags.idle} subscriptions, ${idle.rss} KiB RSS and ${idle.heap} KiB heap each`,
      );
      rows.push({
        server: 'docgate (idle)',
        subscribers: flags.idle,
        'RSS KiB/conn': idle.rss,
        'heap KiB/conn': idle.heap,
      });
    }
    const dg = by('docgate');
    const vsStock = ratio(dg, by('stock graphql-ws'));
    const vsRaw = ratio(dg, by('raw ws'));
    const rawClientBound = (summary.find((s) => s.setup.kind === 'raw ws')?.max?.clientCpu ?? 0) >= 0.9;
    const burst = (kind: Kind) => {
      const cost = summary.find((s) => s.setup.kind === kind)?.cost;
      return cost == null ? '-' : `${round((cost * count) / 1000, 0)} ms`;
    };
    const maxVsStock = ratio(throughputOf('docgate'), throughputOf('stock graphql-ws'));
    const maxVsRaw = ratio(throughputOf('docgate'), throughputOf('raw ws'));
    return {
      ...newResult('fanout', `Fan-out: ${count} WebSocket subscribers of one leaderboard`, { ...flags }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [
        {
          goal: 'docgate >= 3x stock graphql-ws + graphql-redis-subscriptions (deliveries/s with p99 < 100 ms)',
          measured: `${vsStock ?? '-'}x (${dg} vs ${by('stock graphql-ws')}); with everything delivered at any p99: ${maxVsStock ?? '-'}x; one event's burst to ${count} subscribers costs ${burst('docgate')} of docgate's CPU, ${burst('stock graphql-ws')} of stock's`,
          met: vsStock === null ? (dg === 0 ? false : null) : vsStock >= 3,
        },
        {
          goal: 'docgate >= 0.5x a raw ws broadcast (deliveries/s with p99 < 100 ms)',
          measured: `${vsRaw ?? '-'}x (${dg} vs ${by('raw ws')}); with everything delivered at any p99: ${maxVsRaw ?? '-'}x; raw's burst ${burst('raw ws')}${rawClientBound ? ' (the raw figure is bounded by the client process: a floor)' : ''}`,
          met: vsRaw === null ? (dg === 0 ? false : null) : vsRaw >= 0.5,
        },
      ],
      notes: [
        `Publishes at ${rates.join(', ')} per second, ${flags.duration} s each, until a step loses deliveries or its p99 passes ${GIVE_UP_MS} ms; sustained = the last step with everything delivered and p99 < ${LIMIT_MS} ms; max = the last with everything delivered.`,
        'Servers on core 0; the subscriber processes (one per server, raw ws clients speaking graphql-transport-ws) and Redis on core 1. Publish time travels in the payload; latency is publish to receive.',
        'Memory per connection: RSS and heap growth of the server process after GC, divided by the subscribers.',
      ],
      details: Object.fromEntries([...runs].map(([k, v]) => [k, v])),
    };
  } finally {
    await Promise.allSettled(publishers.map((p) => p.close()));
    await stopAll(children);
    await backends.stop();
  }
}

runWhenMain(import.meta.url, fanout);
