/**
 * docgate as `npm start` runs it (`startServer`), in its own process, for a scenario to load.
 * BENCH_OPTIONS (JSON) picks the settings, the data, and the variant under test.
 */
import { writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import type { RateLimitDecision } from '../../src/datasources/ports/rate-limiter.js';
import { createLogger } from '../../src/logger.js';
import { startServer } from '../../src/server.js';
import type { Services } from '../../src/services/index.js';
import { insertCustomers, type OrdersSpec, seedOrders } from '../lib/dataset.js';
import { serveParent } from '../lib/ipc.js';
import { countMongoCommands, memoryAfterGc, optionsFromEnv, signInUser, withMonitoring } from './common.js';

export interface DocgateOptions {
  /** docgate's settings (the environment `npm start` would read). */
  env: Record<string, string>;
  /** Orders to place at start (the read path), through the services. */
  orders?: OrdersSpec;
  /**
   * `naive`: every loader key is its own store query (what resolvers without DataLoader do);
   * per-request deduplication stays, so bench data uses distinct ids.
   */
  loaders?: 'batched' | 'naive';
  /** `off`: by-id reads skip the shared cache and go to the store. */
  cache?: 'on' | 'off';
  /** `off`: the request limiter allows every request without asking its store. */
  limiter?: 'on' | 'off';
  /** Where the server logs (JSON lines); default: nowhere (stdout is not kept). */
  logFile?: string;
  /**
   * `in-process`: tracing on, every span batched (BatchSpanProcessor, as with OTLP) to an exporter
   * in this process that counts and drops them: the cost of making the spans, not of a collector.
   */
  tracing?: 'in-process';
}

export interface DocgateReady {
  url: string;
  authorization: string;
  customerIds: string[];
  productIds: string[];
}

function naiveLoaders(services: Services): void {
  const customers = services.customers.byIds.bind(services.customers);
  const products = services.products.byIds.bind(services.products);
  services.customers.byIds = (ids) => Promise.all(ids.map(async (id) => (await customers([id]))[0] ?? null));
  services.products.byIds = (ids) => Promise.all(ids.map(async (id) => (await products([id]))[0] ?? null));
}

function cacheOff(services: Services): void {
  services.cache.byIds = async <T>(
    _kind: string,
    ids: readonly string[],
    load: (ids: string[]) => Promise<T[]>,
    idOf: (value: T) => string,
  ) => {
    const unique = [...new Set(ids)];
    const found = new Map<string, T>();
    if (unique.length > 0) for (const value of await load(unique)) found.set(idOf(value), value);
    return found;
  };
}

function limiterOff(services: Services): void {
  const { points } = services.requestLimiter;
  const allow = async (): Promise<RateLimitDecision> => ({
    allowed: true,
    limit: points,
    remaining: points,
    resetAt: new Date(Date.now() + 60_000),
  });
  services.requestLimiter = {
    points,
    consume: allow,
    peek: allow,
    refund: async () => {},
    reset: async () => {},
  };
}

const options = optionsFromEnv<DocgateOptions>();
const mongoCounts = countMongoCommands();
const level = options.env.LOG_LEVEL ?? 'info';
const logger =
  options.logFile === undefined
    ? createLogger(level)
    : createLogger(level, pino.destination(options.logFile));
const env: Record<string, string> = { PORT: '0', ...options.env };
if (env.MONGODB_URL !== undefined) env.MONGODB_URL = withMonitoring(env.MONGODB_URL);
let exportedSpans = 0;
const dropSpans: SpanExporter = {
  export(spans, done) {
    exportedSpans += spans.length;
    done({ code: 0 });
  },
  shutdown: async () => {},
};
const server = await startServer(
  loadConfig(env),
  logger,
  options.tracing === 'in-process' ? { spanExporter: dropSpans } : {},
);
const { services } = server;
if (options.loaders === 'naive') naiveLoaders(services);
if (options.cache === 'off') cacheOff(services);
if (options.limiter === 'off') limiterOff(services);
const data = options.orders
  ? await seedOrders(services, options.orders)
  : { customerIds: [], productIds: [] };
const ready: DocgateReady = { url: server.url, authorization: await signInUser(services), ...data };

serveParent(
  {
    mongo: () => mongoCounts(),
    /** Spans handed to the in-process exporter so far (`tracing: 'in-process'`). */
    spans: () => exportedSpans,
    memory: memoryAfterGc,
    /** A heap snapshot after GC, written to `file` (bench/idle-heap.ts diffs two). */
    heapSnapshot: (payload) => {
      globalThis.gc?.();
      return writeHeapSnapshot((payload as { file: string }).file);
    },
    /** Adds growth customers straight to the store; answers a sample of their ids. */
    insertCustomers: async (payload) => {
      const { from, count, batch } = payload as { from: number; count: number; batch?: number };
      const ids = await insertCustomers(server.backends.documents, from, count, batch);
      return ids.filter((_id, i) => i % Math.max(1, Math.floor(ids.length / 200)) === 0).slice(0, 200);
    },
    /** The customers' declared indexes again, as at start (after a bulk load that dropped them). */
    ensureCustomerIndexes: () => services.customers.ensureIndexes(),
    /** The exact bytes docgate answers to a request, for the bare ceiling server. */
    saveResponse: async (payload) => {
      const { body, file } = payload as { body: string; file: string };
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: ready.authorization },
        body,
      });
      writeFileSync(file, Buffer.from(await response.arrayBuffer()));
      return response.headers.get('content-type');
    },
  },
  ready,
  () => server.close(),
);
