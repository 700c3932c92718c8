import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { type Backends, createBackends } from './datasources/index.js';
import type { StoredDoc } from './datasources/ports.js';
import type { Logger } from './logger.js';
import type { ReadinessChecks } from './plugins/use-readiness.js';
import { loadDemoData } from './seed/load-demo.js';
import { closeServices, createServices, ensureIndexes, type Services } from './services/index.js';
import { attachWebSocket, type WebSocketEndpoint } from './websocket.js';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  backends: Backends;
  /** GraphQL over WebSocket on the same port and path. */
  websocket: WebSocketEndpoint;
  close(): Promise<void>;
}

/** Loads the demo data once, on the first start of an embedded store. */
async function seedFirstStart(backends: Backends, services: Services, logger: Logger): Promise<void> {
  const meta = backends.documents.collection<StoredDoc & { at?: Date }>('meta');
  if ((await meta.findOne({ _id: 'demo-data' })) !== null) return;
  const loaded = await loadDemoData(services);
  await meta.findOneAndUpdate({ _id: 'demo-data' }, { $set: { at: new Date() } }, { upsert: true });
  logger.info(loaded, 'demo data loaded');
}

/** How long requests in flight (and SSE streams) may run on at shutdown. */
const SHUTDOWN_GRACE_MS = 2000;

/** One probe per backend in use, for `GET /ready`. */
function readinessChecks(backends: Backends): ReadinessChecks {
  const { redis } = backends;
  return {
    documents: () => backends.documents.ping(),
    ...(redis === null ? {} : { redis: async () => void (await redis.ping()) }),
  };
}

/** config -> backends -> services -> app -> listening HTTP server. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const backends = await createBackends(config, logger);
  const services = createServices(backends, logger);
  await ensureIndexes(services);
  if (backends.documents.kind === 'embedded' && config.SEED_DEMO_DATA)
    await seedFirstStart(backends, services, logger);

  const production = config.NODE_ENV === 'production';
  const app = createApp({
    services,
    logger,
    graphiql: config.GRAPHIQL === undefined ? !production : config.GRAPHIQL === 'true',
    introspection: !production,
    corsOrigins: config.CORS_ORIGINS,
    readiness: readinessChecks(backends),
    metrics: { cache: () => backends.cache.stats() },
    trustProxy: config.TRUST_PROXY,
  });
  const server: Server = createServer((req, res) => {
    // A body must declare its length, so the size limit is checked before anything is read.
    if (req.method === 'POST' && req.headers['content-length'] === undefined) {
      res
        .writeHead(411, { 'content-type': 'application/json' })
        .end('{"errors":[{"message":"Length Required"}]}');
      return;
    }
    void app(req, res);
  });
  const websocket = attachWebSocket(server, app, services, logger);
  // The embedded default always runs its workers here; on Redis, WORKERS_IN_PROCESS decides.
  if (backends.redis === null || config.WORKERS_IN_PROCESS) services.jobs.work(config.WORKER_CONCURRENCY);
  server.requestTimeout = config.REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(config.REQUEST_TIMEOUT_MS, 10_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    services,
    backends,
    websocket,
    async close() {
      await websocket.close();
      await new Promise<void>((resolve) => {
        // Open SSE subscriptions never go idle: they are cut after a grace period.
        const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      await closeServices(services);
      await backends.close();
    },
  };
}
