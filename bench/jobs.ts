/**
 * Scenario 5, jobs: send_email jobs enqueued through GraphQL and completed by `npm run worker`,
 * against plain BullMQ adding and processing the same work on the same Redis. Worker throughput
 * (a pre-filled queue drained), then enqueue-to-complete latency at a fixed offered rate.
 *
 *   tsx bench/jobs.ts [--jobs 1000] [--rates 100,1000] [--duration 3] [--concurrency 4] [--rounds 3]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startBackends } from './lib/backends.js';
import { benchFile, startChild } from './lib/child.js';
import { LOAD_CORE, SERVER_CORE } from './lib/cores.js';
import { parseFlags } from './lib/flags.js';
import { stderrLog } from './lib/measure.js';
import { ENQUEUE_JOB } from './lib/queries.js';
import { type Cell, newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { median, quantile, ratio, round } from './lib/stats.js';
import { BASE_ENV, gql, startDocgate, stopAll } from './lib/targets.js';
import { startWorker } from './lib/worker.js';
import type { RawJobsOptions } from './servers/raw-jobs.js';

export const DEFAULTS = {
  /** Seconds of enqueueing at `rate` for the latency run. */
  duration: 3,
  warmup: 0,
  rounds: 3,
  connections: 0,
  tool: 'auto' as const,
  /** Jobs in the pre-filled queue each worker drains. */
  jobs: 1000,
  /** Offered jobs per second of the latency runs: one the workers keep up with, and the issue's. */
  rates: '100,1000',
  concurrency: 4,
};

interface Timing {
  timestamp: number;
  processedOn: number;
  finishedOn: number;
}

type PacedResult = { sent: number; ok: number; failed: number; lastError: string; sendingSeconds: number };

/** Completed jobs finished at or after `since` (BullMQ's completed set is scored by finishedOn). */
async function completedSince(redis: Redis, prefix: string, since: number): Promise<Timing[]> {
  const ids = await redis.zrangebyscore(`${prefix}:jobs:completed`, since, '+inf');
  const out: Timing[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(i, i + 500))
      pipeline.hmget(`${prefix}:jobs:${id}`, 'timestamp', 'processedOn', 'finishedOn');
    for (const [, reply] of (await pipeline.exec()) ?? []) {
      const [timestamp, processedOn, finishedOn] = (reply as Array<string | null>).map(Number);
      if (timestamp && processedOn && finishedOn) out.push({ timestamp, processedOn, finishedOn });
    }
  }
  return out;
}

async function waitCompleted(redis: Redis, prefix: string, since: number, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let done = 0;
  while (Date.now() < deadline) {
    done = await redis.zcount(`${prefix}:jobs:completed`, since, '+inf');
    if (done >= count) return done;
    await sleep(200);
  }
  return done;
}

/** Jobs per second from the first start to the last finish. */
function throughput(timings: readonly Timing[]): number {
  if (timings.length === 0) return 0;
  const first = Math.min(...timings.map((t) => t.processedOn));
  const last = Math.max(...timings.map((t) => t.finishedOn));
  return Math.round(timings.length / Math.max(0.001, (last - first) / 1000));
}

export async function jobs(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const backends = await startBackends({ mongodb: true, redis: true });
  const redis = new Redis(backends.redisUrl);
  const children: Array<{ stop(): Promise<void> } | undefined> = [];
  try {
    const env = {
      ...BASE_ENV,
      MONGODB_URL: backends.mongodbUrl,
      MONGODB_DB: 'bench_jobs',
      REDIS_URL: backends.redisUrl,
      REDIS_PREFIX: 'bench-jobs:',
      WORKER_CONCURRENCY: String(flags.concurrency),
    };
    const dgPrefix = 'bench-jobs:bull';
    const rawPrefix = 'bench-raw:bull';
    // The gateway adds jobs as the raw producer does: both on the load core, the workers alone on theirs.
    const gateway = await startDocgate('docgate', { env }, LOAD_CORE);
    children.push(gateway);
    const client = await startChild<unknown>('enqueuer', benchFile('clients/paced-http.ts'), {
      core: LOAD_CORE,
    });
    children.push(client);
    const rawOptions: RawJobsOptions = {
      redisUrl: backends.redisUrl,
      mongodbUrl: backends.mongodbUrl,
      db: 'bench_raw',
      prefix: rawPrefix,
      concurrency: flags.concurrency,
    };
    const producer = await startChild<unknown>('raw producer', benchFile('servers/raw-jobs.ts'), {
      core: LOAD_CORE,
      env: { BENCH_OPTIONS: JSON.stringify(rawOptions) },
    });
    children.push(producer);
    const bodies = Array.from({ length: 100 }, (_v, i) =>
      gql(ENQUEUE_JOB, {
        type: 'send_email',
        payload: { to: `user${i}@example.test`, subject: 'Bench', body: 'Hello' },
      }),
    );
    const enqueue = (rate: number, seconds: number, maxInFlight: number) =>
      client.request<PacedResult>('run', {
        url: gateway.ready.url,
        headers: { authorization: gateway.ready.authorization },
        bodies,
        rate,
        seconds,
        maxInFlight,
      });

    // 1. Drain: the queue filled while no worker runs, then one worker process empties it.
    const drains: Record<'docgate' | 'raw BullMQ', number[]> = { docgate: [], 'raw BullMQ': [] };
    const enqueueRates: number[] = [];
    for (let r = 0; r < flags.rounds; r++) {
      let since = Date.now();
      const filled = await enqueue(5000, flags.jobs / 5000, 64);
      if (filled.failed > 0) throw new Error(`enqueue failed: ${filled.lastError}`);
      enqueueRates.push(Math.round(filled.ok / filled.sendingSeconds));
      let worker: { stop(): Promise<void> } | undefined = startWorker(env);
      await waitCompleted(redis, dgPrefix, since, flags.jobs, 300_000);
      await worker.stop();
      drains.docgate.push(throughput(await completedSince(redis, dgPrefix, since)));
      since = Date.now();
      await producer.request('addBulk', { count: flags.jobs });
      worker = await startChild<unknown>('raw worker', benchFile('servers/raw-jobs.ts'), {
        core: SERVER_CORE,
        env: { BENCH_OPTIONS: JSON.stringify(rawOptions) },
        args: ['--worker'],
      });
      await waitCompleted(redis, rawPrefix, since, flags.jobs, 300_000);
      await worker.stop();
      drains['raw BullMQ'].push(throughput(await completedSince(redis, rawPrefix, since)));
      stderrLog(
        `  drain round ${r + 1}: docgate ${drains.docgate.at(-1)} jobs/s, raw ${drains['raw BullMQ'].at(-1)} jobs/s`,
      );
    }

    // 2. Latency at fixed offered rates, each worker running.
    const latency = async (
      name: string,
      rate: number,
      prefix: string,
      start: () => Promise<{ stop(): Promise<void> }>,
      add: (rate: number, seconds: number) => Promise<number>,
    ) => {
      const worker = await start();
      // One job through first: the worker has started and takes jobs before the clock starts.
      const probe = Date.now();
      await add(1, 1);
      await waitCompleted(redis, prefix, probe, 1, 60_000);
      const since = Date.now();
      const added = await add(rate, flags.duration);
      const done = await waitCompleted(redis, prefix, since, added, 120_000);
      const timings = await completedSince(redis, prefix, since);
      await worker.stop();
      const waits = timings.map((t) => t.finishedOn - t.timestamp);
      const span = timings.length === 0 ? 0 : (Math.max(...timings.map((t) => t.finishedOn)) - since) / 1000;
      stderrLog(`  ${name} at ${rate}/s: ${done}/${added} completed, p99 ${quantile(waits, 0.99)} ms`);
      return {
        expected: Math.round(rate * flags.duration),
        completed: done,
        completedPerSecond: span > 0 ? Math.round(timings.length / span) : 0,
        p50Ms: round(quantile(waits, 0.5), 1),
        p99Ms: round(quantile(waits, 0.99), 1),
      };
    };
    const rawWorker = () =>
      startChild<unknown>('raw worker', benchFile('servers/raw-jobs.ts'), {
        core: SERVER_CORE,
        env: { BENCH_OPTIONS: JSON.stringify(rawOptions) },
        args: ['--worker'],
      });
    const dgDrain = median(drains.docgate);
    const rawDrain = median(drains['raw BullMQ']);
    const rows: Array<Record<string, Cell>> = [];
    const byRate: Record<string, unknown> = {};
    for (const rate of flags.rates.split(',').map(Number)) {
      let httpFailures = 0;
      let lastError = '';
      const dg = await latency(
        'docgate',
        rate,
        dgPrefix,
        async () => startWorker(env),
        async (r, seconds) => {
          const sent = await enqueue(r, seconds, 128);
          httpFailures = sent.failed;
          lastError = sent.lastError;
          return sent.ok;
        },
      );
      const raw = await latency('raw BullMQ', rate, rawPrefix, rawWorker, (r, seconds) =>
        producer.request<number>('pace', { rate: r, seconds }),
      );
      byRate[rate] = { docgate: dg, raw, httpFailures, lastError };
      for (const [system, l, drain] of [
        ['docgate (GraphQL + npm run worker)', dg, dgDrain],
        ['raw BullMQ (add + Worker)', raw, rawDrain],
      ] as const)
        rows.push({
          system,
          'drain jobs/s': drain,
          'x raw': ratio(drain, rawDrain),
          'enqueue req/s (GraphQL)': system.startsWith('docgate') ? median(enqueueRates) : null,
          'offered /s': rate,
          'completed /s': l.completedPerSecond,
          completed: `${l.completed}/${l.expected}`,
          'enqueue-to-complete p50 ms': l.p50Ms,
          'p99 ms': l.p99Ms,
          'HTTP errors': system.startsWith('docgate') ? httpFailures : null,
        });
    }
    const vsRaw = ratio(dgDrain, rawDrain);
    return {
      ...newResult('jobs', 'Jobs: send_email through GraphQL and npm run worker vs raw BullMQ', { ...flags }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [
        {
          goal: 'worker throughput >= 0.9x raw BullMQ',
          measured: `${vsRaw ?? '-'}x (${dgDrain} vs ${rawDrain} jobs/s)`,
          met: vsRaw === null ? null : vsRaw >= 0.9,
        },
        {
          goal: 'enqueue-to-complete p99 reported at 1,000 jobs/s',
          measured: rows
            .map(
              (r) =>
                `${r.system} at ${r['offered /s']}/s: p99 ${r['p99 ms']} ms, ${r['completed /s']} completed/s`,
            )
            .join('; '),
          met: null,
        },
      ],
      notes: [
        `Both do the same work per job: two progress updates around an upsert into the outbox on FerretDB; concurrency ${flags.concurrency}. Workers on core 0; the gateway, the raw producer, the enqueuing client, FerretDB and Redis on core 1.`,
        'Drain: jobs/s from the first job started to the last finished (BullMQ processedOn/finishedOn). Latency: finishedOn minus the job timestamp (set when the gateway adds it).',
      ],
      details: { drains, enqueueRates, byRate },
    };
  } finally {
    await stopAll(children);
    redis.disconnect();
    await backends.stop();
  }
}

runWhenMain(import.meta.url, jobs);
