/**
 * Scenario 2, N+1: the orders list with customers and products on FerretDB, with DataLoader
 * batching on and off (off: every customer and product is its own query, as resolvers without
 * loaders do). The shared cache is off in both, so every read reaches MongoDB.
 *
 *   tsx bench/n-plus-one.ts [--sizes 5,20,50] [--duration 3] [--rounds 3] [--connections 10]
 */
import { countWork, describeCounts, type Work } from './lib/backend-work.js';
import { startBackends } from './lib/backends.js';
import { LOAD_DEFAULTS, parseFlags } from './lib/flags.js';
import { pickTool } from './lib/http-load.js';
import { checkTarget, measureAB } from './lib/measure.js';
import { ORDERS } from './lib/queries.js';
import { newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { ratio } from './lib/stats.js';
import { BASE_ENV, gql, type ServerChild, startDocgate, stopAll, targetOf } from './lib/targets.js';

export const DEFAULTS = {
  ...LOAD_DEFAULTS,
  sizes: '5,20,50',
  /** Sequential requests per count of MongoDB commands. */
  count: 20,
};

export async function nPlusOne(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const tool = pickTool(flags.tool);
  const sizes = flags.sizes.split(',').map(Number);
  const largest = Math.max(...sizes);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 100)) throw new Error('--sizes: 1..100 each');
  const backends = await startBackends({ mongodb: true });
  const children: ServerChild[] = [];
  try {
    // Every order has its own customer and its own products, so no id repeats within a page.
    const orders = { orders: largest, products: largest * 3, items: 3 };
    const env = (db: string) => ({ ...BASE_ENV, MONGODB_URL: backends.mongodbUrl, MONGODB_DB: db });
    const on = await startDocgate('loaders on', { env: env('bench_loaders'), orders, cache: 'off' });
    children.push(on);
    const off = await startDocgate('loaders off', {
      env: env('bench_naive'),
      orders,
      cache: 'off',
      loaders: 'naive',
    });
    children.push(off);

    const work = new Map<string, Work>();
    for (const child of children)
      for (const size of sizes) {
        const target = targetOf(child, [gql(ORDERS, { first: size })]);
        await checkTarget(target);
        work.set(
          `${child.name}/${size}`,
          await countWork(target, flags.count, { mongo: () => child.request('mongo') }),
        );
      }
    const body = gql(ORDERS, { first: largest });
    const measured = await measureAB(
      children.map((c) => targetOf(c, [body])),
      { ...flags, tool },
    );
    const naive = measured.find((m) => m.name === 'loaders off');
    const rows = measured.map((m) => ({
      loaders: m.name,
      ...Object.fromEntries(
        sizes.map((s) => [`Mongo cmds/req @${s}`, work.get(`${m.name}/${s}`)?.mongoTotal ?? null]),
      ),
      [`req/s @${largest}`]: m.rps,
      'p50 ms': m.p50Ms,
      'p99 ms': m.p99Ms,
      'x naive': ratio(m.rps, naive?.rps),
      'server CPU': m.serverCpu,
      errors: m.errors,
    }));
    const batchedCounts = sizes.map((s) => work.get(`loaders on/${s}`)?.mongoTotal ?? null);
    const flat = batchedCounts.every((c) => c !== null && c === batchedCounts[0]);
    const speedup = ratio(measured.find((m) => m.name === 'loaders on')?.rps, naive?.rps);
    return {
      ...newResult('n-plus-one', `N+1: orders with customers and products on FerretDB, loaders on and off`, {
        ...flags,
        tool,
      }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [
        {
          goal: 'MongoDB commands per request independent of the list size (loaders on)',
          measured: `${sizes.map((s, i) => `${batchedCounts[i] ?? '-'} @${s}`).join(', ')} (${describeCounts(work.get(`loaders on/${largest}`)?.mongo ?? null)})`,
          met: flat,
        },
        {
          goal: '>= 5x the req/s of the naive version',
          measured: `${speedup ?? '-'}x`,
          met: speedup === null ? null : speedup >= 5,
        },
      ],
      notes: [
        'FerretDB 2.7 on PostgreSQL with DocumentDB, pinned with the load generator on core 1; docgate on core 0; shared cache off in both variants.',
        `Commands counted with the driver's command monitoring over ${flags.count} sequential requests per size.`,
      ],
      details: { measured, work: Object.fromEntries(work) },
    };
  } finally {
    await stopAll(children);
    await backends.stop();
  }
}

runWhenMain(import.meta.url, nPlusOne);
