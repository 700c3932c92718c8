/**
 * Scenario 7, growth: a filtered, sorted customers list and by-id reads at growing collection
 * sizes, on the embedded store and on FerretDB (shared cache off, so every read reaches the store).
 * Memory of idle subscriptions is measured by bench/fanout.ts (`idle` rows).
 *
 *   tsx bench/growth.ts [--embedded 10000,100000] [--ferretdb 10000] [--duration 3]
 *   tsx bench/growth.ts --embedded 10000,100000,1000000 --ferretdb 10000,100000,1000000
 */
import { MongoClient } from 'mongodb';
import { startBackends } from './lib/backends.js';
import { parseFlags } from './lib/flags.js';
import { checkTarget, sequentialLatency, stderrLog } from './lib/measure.js';
import { CUSTOMER, CUSTOMERS } from './lib/queries.js';
import { type Cell, newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { ratio, round } from './lib/stats.js';
import { BASE_ENV, gql, type ServerChild, startDocgate, stopAll, targetOf } from './lib/targets.js';

export const DEFAULTS = {
  /** Seconds of requests per size and query (at least 5 requests, after one unmeasured). */
  duration: 3,
  warmup: 0,
  rounds: 1,
  connections: 1,
  tool: 'auto' as const,
  embedded: '10000,100000',
  ferretdb: '10000',
  /** Customers per insertMany. */
  batch: 1000,
};

/**
 * The throwaway PostgreSQL behind FerretDB, for loading a million documents (on top of the test
 * settings, which already have fsync, synchronous_commit and full_page_writes off): memory for
 * index builds, and checkpoints far enough apart that the load is not mostly WAL flushing.
 */
const BULK_POSTGRES: Readonly<Record<string, string>> = {
  maintenance_work_mem: '1GB',
  max_wal_size: '16GB',
  checkpoint_timeout: '30min',
  shared_buffers: '1GB',
};

const LIST = gql(CUSTOMERS, {
  filter: { city: 'Lyon', age: { gte: 30, lt: 40 } },
  orderBy: [{ field: 'LAST_NAME', direction: 'ASC' }],
  first: 20,
});

/**
 * The same page without `totalCount`: the contract's Customers operation counts every match, which
 * grows with the collection whatever the indexes; this one measures the page alone.
 */
const PAGE = JSON.stringify({
  query: `query Page($filter: CustomerFilter, $orderBy: [CustomerOrder!], $first: Int) {
  customers(filter: $filter, orderBy: $orderBy, first: $first) {
    edges { cursor node { id lastName firstName age email } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  variables: (JSON.parse(LIST) as { variables: unknown }).variables,
});
const QUERIES = ['list (filter + sort, first 20)', 'page without totalCount', 'by id'];

function sizesOf(flag: string): number[] {
  if (flag.trim() === '') return [];
  const sizes = flag.split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error(`bad sizes: ${flag}`);
  return sizes.sort((a, b) => a - b);
}

interface Point {
  backend: string;
  size: number;
  query: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  loadSeconds: number;
  indexSeconds: number;
  rssMiB: number | null;
}

/**
 * How a size is loaded. `dropIndexes` (MongoDB side): drop the customers' secondary indexes first
 * and build them again afterwards through the service (`ensureIndexes`, as at start): on DocumentDB
 * each insert maintains eight indexes at ~200 documents/s, against ~6,700/s without them.
 */
interface Loading {
  batch: number;
  dropIndexes?: () => Promise<void>;
}

async function grow(
  child: ServerChild,
  backend: string,
  sizes: readonly number[],
  seconds: number,
  loading: Loading,
): Promise<Point[]> {
  const points: Point[] = [];
  let loaded = 0;
  let sample: string[] = [];
  for (const size of sizes) {
    const started = performance.now();
    await loading.dropIndexes?.();
    const ids = await child.request<string[]>('insertCustomers', {
      from: loaded,
      count: size - loaded,
      batch: loading.batch,
    });
    const loadSeconds = round((performance.now() - started) / 1000, 1);
    let indexSeconds = 0;
    if (loading.dropIndexes !== undefined) {
      const building = performance.now();
      await child.request('ensureCustomerIndexes', {});
      indexSeconds = round((performance.now() - building) / 1000, 1);
    }
    stderrLog(
      `  ${backend}: ${size} customers (${size - loaded} loaded in ${loadSeconds} s${loading.dropIndexes ? `, indexes built in ${indexSeconds} s` : ''})`,
    );
    loaded = size;
    sample = [...sample, ...ids].slice(-200);
    const queries = [
      { query: 'list (filter + sort, first 20)', bodies: [LIST] },
      { query: 'page without totalCount', bodies: [PAGE] },
      { query: 'by id', bodies: sample.map((id) => gql(CUSTOMER, { id })) },
    ];
    for (const q of queries) {
      const target = { ...targetOf(child, q.bodies), name: `${backend} ${size} ${q.query}` };
      await checkTarget(target);
      const m = await sequentialLatency(target, seconds);
      stderrLog(`  ${target.name}: ${m.requests} requests, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms`);
      points.push({
        backend,
        size,
        query: q.query,
        rps: m.rps,
        p50Ms: m.p50Ms,
        p99Ms: m.p99Ms,
        loadSeconds,
        indexSeconds,
        rssMiB: (() => {
          const rss = child.rssBytes();
          return rss === null ? null : Math.round(rss / 2 ** 20);
        })(),
      });
    }
  }
  return points;
}

/** Issue 14's goals, smallest to largest size: MongoDB side p50 at most 2x, embedded at most 5x. */
function goals(points: readonly Point[]): string[] {
  return (
    [
      ['ferretdb', 2],
      ['embedded', 5],
    ] as const
  ).flatMap(([backend, bound]) =>
    QUERIES.flatMap((query) => {
      const list = points.filter((p) => p.backend === backend && p.query === query);
      const first = list[0];
      const last = list.at(-1);
      if (first === undefined || last === undefined || first === last) return [];
      const growth = round(last.p50Ms / first.p50Ms, 1);
      const verdict = growth <= bound ? 'met' : 'NOT met';
      return [
        `goal ${backend} ${query}: p50 ${first.size} -> ${last.size} grows ${growth}x (at most ${bound}x): ${verdict}`,
      ];
    }),
  );
}

export async function growth(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const embedded = sizesOf(flags.embedded);
  const ferret = sizesOf(flags.ferretdb);
  const backends =
    ferret.length > 0 ? await startBackends({ mongodb: true, postgresSettings: BULK_POSTGRES }) : null;
  const children: ServerChild[] = [];
  const points: Point[] = [];
  try {
    if (embedded.length > 0) {
      // As on FerretDB below: the count of a large list is timed, not cut at 5 s.
      const child = await startDocgate('embedded', {
        env: { ...BASE_ENV, QUERY_TIMEOUT_MS: '600000' },
        cache: 'off',
      });
      children.push(child);
      points.push(...(await grow(child, 'embedded', embedded, flags.duration, { batch: flags.batch })));
      await child.stop();
    }
    if (backends !== null) {
      // The store's own time is measured, so QUERY_TIMEOUT_MS (5 s by default) is out of the way.
      const env = {
        ...BASE_ENV,
        MONGODB_URL: backends.mongodbUrl,
        MONGODB_DB: 'bench_growth',
        QUERY_TIMEOUT_MS: '600000',
      };
      const child = await startDocgate('ferretdb', { env, cache: 'off' });
      children.push(child);
      const mongo = new MongoClient(backends.mongodbUrl);
      try {
        const customers = mongo.db(env.MONGODB_DB).collection('customers');
        const loading = {
          batch: flags.batch,
          dropIndexes: () => customers.dropIndexes().then(() => undefined),
        };
        points.push(...(await grow(child, 'ferretdb', ferret, flags.duration, loading)));
      } catch (error) {
        // A load that dies with the server: PostgreSQL's own last words say why.
        stderrLog(backends.postgresOutput());
        throw error;
      } finally {
        await mongo.close();
      }
    }
    const rows: Array<Record<string, Cell>> = points.map((p) => {
      const smallest = points.find((q) => q.backend === p.backend && q.query === p.query);
      return {
        store: p.backend,
        documents: p.size,
        query: p.query,
        'req/s': p.rps,
        'p50 ms': p.p50Ms,
        'p99 ms': p.p99Ms,
        'p50 x smallest': ratio(p.p50Ms, smallest?.p50Ms),
        'server RSS MiB': p.rssMiB,
      };
    });
    const growthNote = (backend: string, query: string): string => {
      const list = points.filter((p) => p.backend === backend && p.query === query);
      const first = list[0];
      const last = list.at(-1);
      if (first === undefined || last === undefined || first === last) return '';
      const docs = last.size / first.size;
      const time = round(last.p50Ms / first.p50Ms, 1);
      return `${backend} ${query}: ${docs}x the documents, ${time}x the p50 (${time >= docs * 0.5 ? 'linear: a full scan' : time <= 2 ? 'flat' : 'sub-linear'})`;
    };
    return {
      ...newResult('growth', 'Growth: customers list with a filter and by-id reads, by collection size', {
        ...flags,
      }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [],
      notes: [
        `Cache off, requests one at a time: the store itself, without queueing. Customers written in batches of ${flags.batch} straight to the store; on the MongoDB side with the customers' secondary indexes dropped during each load and built again after it (ensureIndexes, as at start), on a throwaway PostgreSQL with fsync, synchronous_commit and full_page_writes off (the test settings) and ${Object.entries(
          BULK_POSTGRES,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}.`,
        'Both stores have the indexes of src/services/indexes.ts. The embedded store races its plans (the last-name walk wins); DocumentDB reads the city index and sorts the matches (it has no ordered index scan). QUERY_TIMEOUT_MS is raised to 600 s on FerretDB so that slow queries are timed, not cut.',
        ...['embedded', 'ferretdb'].flatMap((b) =>
          QUERIES.map((q) => growthNote(b, q)).filter((n) => n !== ''),
        ),
        ...goals(points),
      ],
      details: points,
    };
  } finally {
    await stopAll(children);
    await backends?.stop();
  }
}

runWhenMain(import.meta.url, growth);
