/**
 * Redis Cluster failover: a local cluster of 3 masters and 3 replicas, cache reads, score changes
 * and job enqueues in loops, and the master of the job queue's slot SIGKILLed `--kills` times (the
 * killed node restarted as a replica between kills). Per kill: how long until the last call that
 * failed, i.e. until every kind of call succeeds again. Also what waiting for a replica on each
 * score change costs (REDIS_REPLICA_WAIT_MS), sequential changes with and without it.
 *
 *   tsx bench/failover.ts [--kills 5] [--changes 500] [--nodeTimeout 2000]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisDocumentCache } from '../src/datasources/redis/cache.js';
import { closeRedis, createRedis } from '../src/datasources/redis/client.js';
import { RedisEventLog } from '../src/datasources/redis/event-log.js';
import { BullJobQueue } from '../src/datasources/redis/jobs.js';
import { RedisLeaderboards } from '../src/datasources/redis/leaderboards.js';
import { createLogger } from '../src/logger.js';
import { startRedisCluster } from '../test/helpers/redis-cluster.js';
import { newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { median, quantile, ratio, round } from './lib/stats.js';

export const DEFAULTS = { kills: 5, changes: 500, nodeTimeout: 2000 };

function flagsOf(argv: readonly string[]): typeof DEFAULTS {
  const out = { ...DEFAULTS };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, '') ?? '';
    if (!(name in out)) throw new Error(`unknown flag ${argv[i]}`);
    out[name as keyof typeof DEFAULTS] = Number(argv[i + 1]);
  }
  return out;
}

const KINDS = ['read', 'score', 'enqueue'] as const;
type Kind = (typeof KINDS)[number];

async function until(probe: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function failover(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = flagsOf(argv);
  const cluster = await startRedisCluster({ nodeTimeoutMs: flags.nodeTimeout });
  const redis = createRedis(cluster.url);
  redis.on('error', () => undefined); // calls fail with it, and are counted
  const prefix = 'bench-failover:';
  const log = new RedisEventLog(redis, prefix, { retentionSeconds: 3600, maxLength: 10_000 });
  const jobs = new BullJobQueue(
    { attempts: 1, backoffMs: 10, keepSeconds: 600, url: cluster.url, redis, prefix, lockMs: 30_000 },
    createLogger('silent'),
  );
  let stopped = false;
  const loops: Array<Promise<void>> = [];
  try {
    await new Promise<void>((resolve) => redis.once('ready', () => resolve()));

    // What the replica wait costs: sequential changes on a healthy cluster, without and with it.
    const latency: Record<string, { p50: number; p99: number; perSecond: number }> = {};
    for (const waitMs of [0, 250]) {
      const boards = new RedisLeaderboards(redis, prefix, log, waitMs);
      const times: number[] = [];
      const started = performance.now();
      for (let i = 0; i < flags.changes; i++) {
        const t0 = performance.now();
        await boards.increment(`cost${i % 6}`, 'p', 1);
        times.push(performance.now() - t0);
      }
      latency[`wait ${waitMs}`] = {
        p50: round(median(times), 3),
        p99: round(quantile(times, 0.99), 3),
        perSecond: Math.round(flags.changes / ((performance.now() - started) / 1000)),
      };
    }

    const boards = new RedisLeaderboards(redis, prefix, log, 250);
    const cache = new RedisDocumentCache(redis, prefix);
    const successes: Record<Kind, number[]> = { read: [], score: [], enqueue: [] };
    const failures: Array<{ kind: Kind; at: number }> = [];
    const loop = (kind: Kind, call: (n: number) => Promise<unknown>) =>
      (async () => {
        for (let n = 0; !stopped; n++) {
          try {
            await call(n);
            successes[kind].push(Date.now());
          } catch {
            if (!stopped) failures.push({ kind, at: Date.now() });
          }
          await sleep(20);
        }
      })();
    loops.push(
      loop('read', (n) => cache.getMany(Array.from({ length: 20 }, (_v, i) => `doc${(n + i) % 100}`))),
      loop('score', (n) => boards.increment(`b${n % 6}`, `p${n % 7}`, 1)),
      loop('enqueue', (n) => jobs.enqueue('echo', { n })),
    );
    const allSucceedSince = (since: number) =>
      until(
        () => KINDS.every((kind) => successes[kind].filter((at) => at > since).length >= 5),
        60_000,
        'every kind of call succeeding',
      );

    const rows: Array<Record<string, number>> = [];
    for (let kill = 1; kill <= flags.kills; kill++) {
      await allSucceedSince(Date.now());
      const killedAt = Date.now();
      const victim = await cluster.killMaster(`{${prefix}bull}:jobs:id`);
      await cluster.waitForOk(60_000);
      await allSucceedSince(Date.now());
      const after = failures.filter((f) => f.at >= killedAt);
      const lastFailure = Math.max(killedAt, ...after.map((f) => f.at));
      rows.push({
        kill,
        'recovered s': round((lastFailure - killedAt) / 1000, 2),
        'calls refused': after.length,
      });
      process.stderr.write(`kill ${kill}: ${rows.at(-1)?.['recovered s']} s\n`);
      // Back as a replica of the node that took over, so the next kill has a replica to promote.
      await cluster.restartNode(victim);
      await cluster.waitForOk(60_000);
    }
    const recovered = rows.map((r) => r['recovered s'] ?? Number.NaN);
    const p50 = round(median(recovered), 2);
    const worst = Math.max(...recovered);
    const none = latency['wait 0'];
    const waited = latency['wait 250'];
    return {
      ...newResult(
        'failover',
        `Redis Cluster: recovery from ${flags.kills} master SIGKILLs under load`,
        flags,
      ),
      columns: ['kill', 'recovered s', 'calls refused'],
      rows,
      targets: [
        {
          goal: `every call succeeds again within cluster-node-timeout + 5 s (${flags.nodeTimeout / 1000 + 5} s)`,
          measured: `p50 ${p50} s, worst ${worst} s over ${flags.kills} kills`,
          met: worst <= flags.nodeTimeout / 1000 + 5,
        },
        {
          goal: 'waiting for a replica costs under 2x per score change (sequential)',
          measured: `p50 ${none?.p50} ms without, ${waited?.p50} ms with WAIT (p99 ${none?.p99} / ${waited?.p99} ms; ${none?.perSecond} vs ${waited?.perSecond} changes/s, ${ratio(waited?.perSecond, none?.perSecond)}x)`,
          met: none === undefined || waited === undefined ? null : waited.p50 <= 2 * none.p50,
        },
      ],
      notes: [
        `Redis Cluster of 3 masters + 3 replicas on loopback, cluster-node-timeout ${flags.nodeTimeout} ms, cluster-require-full-coverage yes; loops of cache MGETs (20 keys), score changes (REDIS_REPLICA_WAIT_MS 250) and BullJobQueue enqueues, 20 ms apart.`,
        '"recovered": from the SIGKILL to the last call that failed (every later call succeeded). The killed node is restarted as a replica between kills.',
      ],
      details: { latency, recovered },
    };
  } finally {
    stopped = true;
    await Promise.all(loops);
    await jobs.close().catch(() => undefined);
    await closeRedis(redis);
    await cluster.stop();
  }
}

runWhenMain(import.meta.url, failover);
