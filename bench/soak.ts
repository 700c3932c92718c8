/**
 * Scenario 8, soak: mixed load (reads, customer updates, orders, scores, jobs, subscribers that
 * come and go) on two instances sharing FerretDB (DocumentDB) and Redis, with `npm run worker`;
 * then the checks: no error outside the contract's, memory flat after warm-up, every answered
 * order stored (and none stored unanswered), stock exactly initial minus ordered for every
 * product, no order left pending (intents, holds), every job finished. The default is one minute;
 * the issue's soak is `--duration 600`.
 *
 *   tsx bench/soak.ts [--duration 60] [--workers 8] [--subscribers 20]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import type { OpStats, SoakSpec } from './clients/soak-client.js';
import { startBackends } from './lib/backends.js';
import { benchFile, startChild } from './lib/child.js';
import { LOAD_CORE } from './lib/cores.js';
import { parseFlags } from './lib/flags.js';
import { stderrLog } from './lib/measure.js';
import { type Cell, newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { median, round } from './lib/stats.js';
import { BASE_ENV, type ServerChild, startDocgate, stopAll } from './lib/targets.js';
import { startWorker } from './lib/worker.js';

export const DEFAULTS = {
  duration: 60,
  warmup: 0,
  rounds: 1,
  connections: 0,
  tool: 'auto' as const,
  workers: 8,
  subscribers: 20,
  /** Seconds between memory samples. */
  sample: 5,
};

interface SoakOutcome {
  stats: Record<string, OpStats>;
  orders: Array<{ id: string; items: Array<{ productId: string; quantity: number }> }>;
  jobIds: string[];
  subscriptions: {
    opened: number;
    /** Of those, opened again from the last cursor received. */
    resumed: number;
    events: number;
    /** Closed with 1013 before connection_ack (session store too slow): the contract's, retried. */
    tryAgainLater: number;
    /** Operations refused with a contract code (an `error` message). */
    contract: Record<string, number>;
    failures: number;
    lastFailure: string;
  };
}

/** The error lines (pino level 50 and up) of a server's log, as `message: cause`. */
function serverErrors(file: string): string[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } })
    .filter((entry) => entry.level >= 50)
    .map((entry) => `${entry.msg ?? ''}: ${entry.err?.message ?? ''}`.slice(0, 200));
}

interface Doc {
  _id: string;
  stock?: number;
  items?: Array<{ productId: string; quantity: number }>;
  /** Stock taken by orders not yet settled (src/services/products.ts). */
  holds?: unknown[];
}

/** Heap after GC, in MiB, at each sample. */
async function sampleMemory(servers: readonly ServerChild[], into: Map<string, number[]>): Promise<void> {
  for (const server of servers) {
    const usage = await server.request<NodeJS.MemoryUsage>('memory');
    const list = into.get(server.name) ?? [];
    list.push(round(usage.heapUsed / 2 ** 20, 1));
    into.set(server.name, list);
  }
}

/** Heap at the end against heap just after warm-up (the first quarter left out). */
function heapGrowth(samples: readonly number[]): number | null {
  if (samples.length < 4) return null;
  const quarter = Math.floor(samples.length / 4);
  const early = median(samples.slice(quarter, 2 * quarter));
  const late = median(samples.slice(-quarter));
  return round(late / early, 2);
}

export async function soak(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const backends = await startBackends({ mongodb: true, redis: true });
  const mongo = new MongoClient(backends.mongodbUrl);
  const redis = new Redis(backends.redisUrl);
  const children: Array<{ stop(): Promise<void> } | undefined> = [];
  try {
    await mongo.connect();
    const db = mongo.db('bench_soak');
    const env = {
      ...BASE_ENV,
      MONGODB_URL: backends.mongodbUrl,
      MONGODB_DB: 'bench_soak',
      REDIS_URL: backends.redisUrl,
      REDIS_PREFIX: 'bench-soak:',
    };
    const logs = mkdtempSync(join(tmpdir(), 'docgate-soak-'));
    const logOf = (n: number) => join(logs, `instance-${n}.log`);
    const first = await startDocgate('instance 1', {
      env,
      orders: { orders: 50, products: 20, items: 2 },
      logFile: logOf(1),
    });
    children.push(first);
    const second = await startDocgate('instance 2', { env, logFile: logOf(2) });
    children.push(second);
    const servers = [first, second];
    children.push(startWorker(env));
    const client = await startChild<unknown>('soak client', benchFile('clients/soak-client.ts'), {
      core: LOAD_CORE,
    });
    children.push(client);

    const stockBefore = new Map(
      (await db.collection<Doc>('products').find().toArray()).map((p) => [p._id, p.stock ?? 0]),
    );
    const ordersBefore = new Set(
      (
        await db
          .collection<Doc>('orders')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((o) => o._id),
    );

    const memory = new Map<string, number[]>();
    await sampleMemory(servers, memory);
    const spec: SoakSpec = {
      urls: servers.map((s) => s.ready.url),
      authorization: first.ready.authorization,
      customerIds: first.ready.customerIds,
      productIds: first.ready.productIds,
      seconds: flags.duration,
      workers: flags.workers,
      subscribers: flags.subscribers,
    };
    const running = client.request<SoakOutcome>('run', spec);
    let done = false;
    void running.finally(() => {
      done = true;
    });
    while (!done) {
      await sleep(flags.sample * 1000);
      if (!done) await sampleMemory(servers, memory);
    }
    const outcome = await running;
    stderrLog(
      `  soak load done: ${Object.values(outcome.stats).reduce((n, s) => n + s.ok, 0)} requests answered`,
    );

    // Every job finished: completed (or failed for good, which the contract allows only for bad addresses).
    const deadline = Date.now() + 120_000;
    let unfinished = outcome.jobIds;
    let failedJobs = 0;
    while (unfinished.length > 0 && Date.now() < deadline) {
      const pipeline = redis.pipeline();
      for (const id of unfinished) pipeline.hmget(`bench-soak:bull:jobs:${id}`, 'finishedOn', 'failedReason');
      const replies = (await pipeline.exec()) ?? [];
      const still: string[] = [];
      failedJobs = 0;
      replies.forEach(([, reply], i) => {
        const [finishedOn, failedReason] = reply as Array<string | null>;
        if (finishedOn === null) still.push(unfinished[i] ?? '');
        else if (failedReason !== null) failedJobs++;
      });
      unfinished = still;
      if (unfinished.length > 0) await sleep(500);
    }

    // Every placed order present, and nothing else new; stock moved by exactly what was ordered.
    const newOrders = (await db.collection<Doc>('orders').find().toArray()).filter(
      (o) => !ordersBefore.has(o._id),
    );
    const stored = new Set(newOrders.map((o) => o._id));
    const missing = outcome.orders.filter((o) => !stored.has(o.id)).length;
    const unanswered = newOrders.length - (outcome.orders.length - missing);
    const ordered = new Map<string, number>();
    for (const order of newOrders)
      for (const item of order.items ?? [])
        ordered.set(item.productId, (ordered.get(item.productId) ?? 0) + item.quantity);
    const stockAfter = new Map(
      (await db.collection<Doc>('products').find().toArray()).map((p) => [p._id, p.stock ?? 0]),
    );
    const drift = [...stockBefore].map(
      ([id, before]) => (stockAfter.get(id) ?? 0) - (before - (ordered.get(id) ?? 0)),
    );
    const inconsistent = drift.filter((d) => d !== 0).length;
    // Every order the load started is finished: none pending, no stock still held for one.
    const intentsLeft = await db.collection<Doc>('order_intents').countDocuments();
    const holdsLeft = (await db.collection<Doc>('products').find().toArray()).reduce(
      (n, p) => n + (p.holds?.length ?? 0),
      0,
    );
    const logged = [1, 2].flatMap((n) => serverErrors(logOf(n)));

    const failures =
      Object.values(outcome.stats).reduce((n, s) => n + s.failures, 0) + outcome.subscriptions.failures;
    const rows: Array<Record<string, Cell>> = Object.entries(outcome.stats).map(([op, s]) => ({
      operation: op,
      answered: s.ok,
      'contract errors':
        Object.entries(s.contract)
          .map(([c, n]) => `${c} ${n}`)
          .join(', ') || 'none',
      failures: s.failures,
      'last failure': s.lastFailure || '-',
    }));
    rows.push({
      operation: 'subscriptions (1-4 s each)',
      answered: `${outcome.subscriptions.opened} opened (${outcome.subscriptions.resumed} from a cursor), ${outcome.subscriptions.events} events`,
      'contract errors':
        [
          ...(outcome.subscriptions.tryAgainLater > 0
            ? [`1013 Try Again Later ${outcome.subscriptions.tryAgainLater} (retried from the cursor)`]
            : []),
          ...Object.entries(outcome.subscriptions.contract).map(([c, n]) => `${c} ${n}`),
        ].join(', ') || 'none',
      failures: outcome.subscriptions.failures,
      'last failure': outcome.subscriptions.lastFailure || '-',
    });
    const growth = servers.map((s) => heapGrowth(memory.get(s.name) ?? []));
    const flat = growth.every((g) => g !== null && g <= 1.1);
    return {
      ...newResult('soak', `Soak: ${flags.duration} s of mixed load on two instances`, { ...flags }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [
        {
          goal: 'no error outside the contract',
          measured: `${failures} failures (${outcome.subscriptions.tryAgainLater} connections closed with 1013 Try Again Later, the WebSocket form of SERVICE_UNAVAILABLE, counted with the contract's outcomes and retried); the servers logged ${logged.length} errors${logged.length > 0 ? `: ${[...new Set(logged)].slice(0, 3).join('; ')}` : ''}`,
          met: failures === 0,
        },
        {
          goal: 'memory flat after warm-up',
          measured: servers
            .map(
              (s, i) =>
                `${s.name}: heap ${memory.get(s.name)?.join(' ') ?? '-'} MiB (end/after warm-up ${growth[i] ?? '-'}x)`,
            )
            .join('; '),
          met: growth.some((g) => g === null) ? null : flat,
        },
        {
          goal: 'every answered order stored',
          measured: `${outcome.orders.length} placed, ${missing} missing, ${unanswered} stored without an answer`,
          met: missing === 0 && unanswered === 0,
        },
        {
          goal: 'stock exactly initial minus ordered, every product',
          measured: `${inconsistent} of ${stockBefore.size} products off (stock after - (stock before - ordered): ${drift.filter((d) => d !== 0).join(', ') || 'none'})`,
          met: inconsistent === 0,
        },
        {
          goal: 'no order left pending',
          measured: `${intentsLeft} order intents, ${holdsLeft} stock holds left`,
          met: intentsLeft === 0 && holdsLeft === 0,
        },
        {
          goal: 'every job finished',
          measured: `${outcome.jobIds.length} enqueued, ${unfinished.length} unfinished, ${failedJobs} failed`,
          met: unfinished.length === 0 && failedJobs === 0,
        },
      ],
      notes: [
        `${flags.workers} closed-loop workers over both instances in turn, ${flags.subscribers} subscribers churning; instances and the worker on core 0; FerretDB, Redis and the client on core 1.`,
        'Memory: heap after a forced GC, sampled every few seconds; flat = the last quarter within 10% of the second quarter.',
      ],
      details: { memory: Object.fromEntries(memory), outcome: { ...outcome, orders: outcome.orders.length } },
    };
  } finally {
    await stopAll(children);
    redis.disconnect();
    await mongo.close();
    await backends.stop();
  }
}

runWhenMain(import.meta.url, soak);
