/**
 * Scenario 3, the shared cache: by-id reads (one request = one loader batch of products) on
 * FerretDB + Redis, with the shared cache warm and off, and warm on a local Redis Cluster (3
 * masters + 3 replicas) instead of one Redis.
 *
 *   tsx bench/cache.ts [--batch 10] [--duration 3] [--rounds 3] [--connections 10]
 */
import { startRedisCluster } from '../test/helpers/redis-cluster.js';
import { countWork, describeCounts, type Work } from './lib/backend-work.js';
import { startBackends } from './lib/backends.js';
import { LOAD_DEFAULTS, parseFlags } from './lib/flags.js';
import { pickTool } from './lib/http-load.js';
import { checkTarget, measureAB } from './lib/measure.js';
import { productsById } from './lib/queries.js';
import { newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { ratio, round } from './lib/stats.js';
import { BASE_ENV, gql, type ServerChild, startDocgate, stopAll, targetOf } from './lib/targets.js';

export const DEFAULTS = {
  ...LOAD_DEFAULTS,
  /** Products per request (one loader batch); at most 15 (the alias limit). */
  batch: 10,
  /** Distinct batches the requests rotate over. */
  batches: 10,
  count: 50,
};

export async function sharedCache(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const tool = pickTool(flags.tool);
  const backends = await startBackends({ mongodb: true, redis: true });
  const cluster = await startRedisCluster().catch(async (error: unknown) => {
    await backends.stop();
    throw error;
  });
  const children: ServerChild[] = [];
  try {
    const products = flags.batch * flags.batches;
    const env = (name: string, redisUrl = backends.redisUrl) => ({
      ...BASE_ENV,
      MONGODB_URL: backends.mongodbUrl,
      MONGODB_DB: `bench_${name}`,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `bench-${name}:`,
    });
    const orders = { orders: 0, products, items: 0 };
    children.push(await startDocgate('cache warm', { env: env('warm'), orders, cache: 'on' }));
    children.push(await startDocgate('cache off', { env: env('off'), orders, cache: 'off' }));
    children.push(
      await startDocgate('cache warm, cluster', { env: env('cluster', cluster.url), orders, cache: 'on' }),
    );
    // Round trips on a cluster are what its masters see, added up (the nodes of one batch are
    // asked at once, so they are not sequential).
    const masterUrls = (await cluster.topology())
      .filter((n) => n.role === 'master' && n.running)
      .map((n) => `redis://${n.host}:${n.port}`);
    const query = productsById(flags.batch);
    const bodiesOf = (ids: readonly string[]) =>
      Array.from({ length: flags.batches }, (_v, b) =>
        gql(
          query,
          Object.fromEntries(
            ids.slice(b * flags.batch, (b + 1) * flags.batch).map((id, i) => [`id${i}`, id]),
          ),
        ),
      );
    // Anonymous reads (products are open to anyone): no session lookup in the counts.
    const targets = children.map((c) => targetOf(c, bodiesOf(c.ready.productIds), false));
    const work = new Map<string, Work>();
    for (const [i, target] of targets.entries()) {
      await checkTarget(target);
      // Warms the cache: every batch once before counting.
      for (const body of target.bodies) await checkTarget({ ...target, bodies: [body] });
      const child = children[i];
      if (child === undefined) continue;
      work.set(
        target.name,
        await countWork(target, flags.count, {
          mongo: () => child.request('mongo'),
          redisUrl: target.name === 'cache warm, cluster' ? masterUrls : backends.redisUrl,
        }),
      );
    }
    const measured = await measureAB(targets, { ...flags, tool });
    const off = measured.find((m) => m.name === 'cache off');
    const warmWork = work.get('cache warm');
    const offWork = work.get('cache off');
    const clusterWork = work.get('cache warm, cluster');
    const clusterTrips =
      clusterWork?.redisRoundTrips != null && offWork?.redisRoundTrips != null
        ? round(clusterWork.redisRoundTrips - offWork.redisRoundTrips, 2)
        : null;
    const clusterRatio = ratio(
      measured.find((m) => m.name === 'cache warm, cluster')?.rps,
      measured.find((m) => m.name === 'cache warm')?.rps,
    );
    const rows = measured.map((m) => {
      const w = work.get(m.name);
      return {
        cache: m.name,
        'req/s': m.rps,
        'p50 ms': m.p50Ms,
        'p99 ms': m.p99Ms,
        'x off': ratio(m.rps, off?.rps),
        'Mongo cmds/req': w?.mongoTotal ?? null,
        'Redis round trips/req': w?.redisRoundTrips ?? null,
        'Redis cmds sent/req': describeCounts(w?.redisSent ?? null),
        'server CPU': m.serverCpu,
        errors: m.errors,
      };
    });
    // The limiter's round trip is in both; what the cache adds is the difference.
    const cacheTrips =
      warmWork?.redisRoundTrips != null && offWork?.redisRoundTrips != null
        ? round(warmWork.redisRoundTrips - offWork.redisRoundTrips, 2)
        : null;
    const speedup = ratio(measured.find((m) => m.name === 'cache warm')?.rps, off?.rps);
    return {
      ...newResult('cache', `Shared cache: ${flags.batch} products by id per request, warm vs off`, {
        ...flags,
        tool,
      }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [
        {
          goal: 'one Redis round trip per loader batch (warm)',
          measured: `${cacheTrips ?? '-'} round trips for the cache per request of one batch (${warmWork?.redisRoundTrips ?? '-'} in all, the limiter's included)`,
          met: cacheTrips === null ? null : cacheTrips <= 1,
        },
        {
          goal: 'no MongoDB command on a warm read',
          measured: `${warmWork?.mongoTotal ?? '-'} commands per request (${describeCounts(warmWork?.mongo ?? null)})`,
          met: warmWork?.mongoTotal == null ? null : warmWork.mongoTotal === 0,
        },
        {
          goal: 'on a cluster: one round trip per master a batch touches (at most 3 here)',
          measured: `${clusterTrips ?? '-'} round trips for the cache per batch of ${flags.batch} keys, on all masters together (${describeCounts(clusterWork?.redisSent ?? null)} sent per request)`,
          met: clusterTrips === null ? null : clusterTrips <= 3,
        },
        {
          goal: 'on a cluster: >= 0.8x the req/s of one Redis (warm)',
          measured: `${clusterRatio ?? '-'}x`,
          met: clusterRatio === null ? null : clusterRatio >= 0.8,
        },
        {
          goal: '>= 2x the req/s of cache off',
          measured: `${speedup ?? '-'}x`,
          met: speedup === null ? null : speedup >= 2,
        },
      ],
      notes: [
        'FerretDB and Redis pinned with the load generator on core 1; docgate on core 0. Anonymous reads: the limiter (one Redis script) runs on every request in both variants.',
        `Round trips from Redis MONITOR over ${flags.count} sequential warm requests (a script and its inner commands count once); on the cluster, MONITOR on each master, added up. The cluster (3 masters + 3 replicas) runs on the same machine, unpinned.`,
      ],
      details: { measured, work: Object.fromEntries(work) },
    };
  } finally {
    await stopAll(children);
    await cluster.stop();
    await backends.stop();
  }
}

runWhenMain(import.meta.url, sharedCache);
