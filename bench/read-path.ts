/**
 * Scenario 1, the read path: 50 orders with their customers and products, from the same schema,
 * services, data and context factory, served by docgate, Apollo Server 5 and Mercurius+graphql-jit,
 * with a bare node:http server answering docgate's bytes as the ceiling.
 *
 *   tsx bench/read-path.ts [--duration 3] [--warmup 1] [--rounds 3] [--connections 10] [--orders 50]
 *                          [--tracing]
 *
 * `--tracing` adds `docgate (tracing on)`: the same docgate with OpenTelemetry tracing on, its
 * spans batched to an in-process exporter that drops them, and its req/s as a share of docgate's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOAD_DEFAULTS, parseFlags } from './lib/flags.js';
import { pickTool } from './lib/http-load.js';
import { checkTarget, measureAB } from './lib/measure.js';
import { ORDERS } from './lib/queries.js';
import { newResult, runWhenMain, type ScenarioResult } from './lib/report.js';
import { ratio } from './lib/stats.js';
import {
  BASE_ENV,
  gql,
  type ServerChild,
  startBare,
  startDocgate,
  startPeer,
  stopAll,
  targetOf,
} from './lib/targets.js';

/** docgate with RESPONSE_CACHE_TTL_SECONDS set: the page is answered from its response cache. */
const CACHE_HIT = 'docgate (response cache hit)';
/** docgate with tracing on (`--tracing`): every request's spans made and batched for export. */
const TRACED = 'docgate (tracing on)';

export const DEFAULTS = {
  ...LOAD_DEFAULTS,
  orders: 50,
  tracing: false,
};

export async function readPath(argv: readonly string[]): Promise<ScenarioResult> {
  const flags = parseFlags(argv, DEFAULTS);
  const tool = pickTool(flags.tool);
  const orders = { orders: flags.orders, products: 30, items: 3 };
  const body = gql(ORDERS, { first: flags.orders });
  const dir = mkdtempSync(join(tmpdir(), 'docgate-bench-'));
  const children: ServerChild[] = [];
  try {
    const docgate = await startDocgate('docgate', { env: { ...BASE_ENV }, orders });
    children.push(docgate);
    // The same docgate with its response cache on: after the first request, every one is a hit.
    const cacheEnv = { ...BASE_ENV, RESPONSE_CACHE_TTL_SECONDS: '3600' };
    children.push(await startDocgate(CACHE_HIT, { env: cacheEnv, orders }));
    children.push(await startPeer('apollo', { kind: 'apollo', env: { ...BASE_ENV }, orders }));
    children.push(await startPeer('mercurius+jit', { kind: 'mercurius', env: { ...BASE_ENV }, orders }));
    const traced = flags.tracing
      ? await startDocgate(TRACED, { env: { ...BASE_ENV }, orders, tracing: 'in-process' })
      : undefined;
    if (traced !== undefined) children.push(traced);
    const file = join(dir, 'response.json');
    const contentType = await docgate.request<string>('saveResponse', { body, file });
    children.push(await startBare('node:http (ceiling)', { file, contentType }));

    const targets = children.map((c) => targetOf(c, [body]));
    const sizes = new Map<string, number>();
    for (const t of targets) sizes.set(t.name, await checkTarget(t));
    const measured = await measureAB(targets, { ...flags, tool });
    const by = (name: string) => measured.find((m) => m.name === name);
    const apollo = by('apollo');
    const mercurius = by('mercurius+jit');
    const dg = by('docgate');
    const cached = by(CACHE_HIT);
    const ceiling = by('node:http (ceiling)');
    const cachedShare = ratio(cached?.rps, ceiling?.rps);
    const tracedRun = by(TRACED);
    const tracedShare = ratio(tracedRun?.rps, dg?.rps);
    const spans = traced === undefined ? 0 : await traced.request<number>('spans', {});
    const rows = measured.map((m) => ({
      server: m.name,
      'req/s': m.rps,
      'p50 ms': m.p50Ms,
      'p99 ms': m.p99Ms,
      'x Apollo': ratio(m.rps, apollo?.rps),
      'x Mercurius+jit': ratio(m.rps, mercurius?.rps),
      'server CPU': m.serverCpu,
      'load CPU': m.loadCpu,
      errors: m.errors,
      'response bytes': sizes.get(m.name) ?? null,
    }));
    const vsApollo = ratio(dg?.rps, apollo?.rps);
    const vsMercurius = ratio(dg?.rps, mercurius?.rps);
    const ofCeiling =
      dg === undefined || ceiling === undefined || ceiling.rps === 0
        ? null
        : Math.round((10_000 * dg.rps) / ceiling.rps) / 100;
    return {
      ...newResult('read-path', `Read path: ${flags.orders} orders with customers and products`, {
        ...flags,
        tool,
      }),
      columns: Object.keys(rows[0] ?? {}),
      rows,
      targets: [
        {
          goal: 'docgate >= 3.5x Apollo Server req/s',
          measured: `${vsApollo ?? '-'}x (p99 ${dg?.p99Ms ?? '-'} ms vs ${apollo?.p99Ms ?? '-'} ms)`,
          met: vsApollo === null ? null : vsApollo >= 3.5,
        },
        {
          goal: 'docgate response cache hit >= 25% of the node:http ceiling req/s',
          measured: `${cachedShare === null ? '-' : `${Math.round(cachedShare * 1000) / 10}%`} (${cached?.rps ?? '-'} req/s)`,
          met: cachedShare === null ? null : cachedShare >= 0.25,
        },
        {
          goal: 'docgate >= Mercurius+graphql-jit req/s',
          measured: `${vsMercurius ?? '-'}x (p99 ${dg?.p99Ms ?? '-'} ms vs ${mercurius?.p99Ms ?? '-'} ms)`,
          met: vsMercurius === null ? null : vsMercurius >= 1,
        },
        {
          goal: "docgate >= 2.5% of the node:http ceiling's req/s",
          measured: `${ofCeiling ?? '-'}% (${dg?.rps ?? '-'} of ${ceiling?.rps ?? '-'} req/s)`,
          met: ofCeiling === null ? null : ofCeiling >= 2.5,
        },
        ...(traced === undefined
          ? []
          : [
              {
                goal: 'docgate with tracing on: req/s as a share of tracing off (measured, no goal)',
                measured: `${tracedShare ?? '-'}x (p99 ${tracedRun?.p99Ms ?? '-'} ms vs ${dg?.p99Ms ?? '-'} ms; ${spans} spans exported)`,
                met: null,
              },
            ]),
      ],
      notes: [
        'Embedded backends (in-memory document store, in-process sessions, limiter and cache) in every server; same schema object, services, data and context factory.',
        'docgate runs with its production plugins (request log at info to /dev/null, rate limiter, metrics, GraphQL Armor, CSRF); the peers authenticate the same session per request and nothing else.',
        `Servers pinned to core 0, ${tool} to core 1; ${flags.connections} connections; medians of ${flags.rounds} alternating rounds.`,
      ],
      details: measured,
    };
  } finally {
    await stopAll(children);
    rmSync(dir, { recursive: true, force: true });
  }
}

runWhenMain(import.meta.url, readPath);
