import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { type Backends, createBackends } from './datasources/index.js';
import type { StoredDoc } from './datasources/ports/documents.js';
import type { Logger } from './logger.js';
import { CallerSlots } from './plugins/caller-slots.js';
import { refusalBody, refusalContentType } from './plugins/refusal.js';
import { subscriptionCounts } from './plugins/use-shared-subscriptions.js';
import { ensureDemoAccount, type WelcomeFacts, welcomeIds } from './seed/first-screen.js';
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

/** How long a just-accepted connection has to send its request at shutdown before it counts as idle. */
const IDLE_GRACE_MS = 250;

/**
 * Stops accepting, then lets every accepted connection finish: each answers its request in flight
 * with `Connection: close`; a connection accepted a moment before the listener closed gets time to
 * send its request before idle ones are closed; whatever is still open after the grace period
 * (SSE streams) is cut (SHUTDOWN_DRAIN_MS).
 */
function drain(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    // net.Server's close, not http.Server's: the latter also closes idle connections at once,
    // resetting a client whose request is already on its way.
    net.Server.prototype.close.call(server, () => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    const idle = setInterval(() => server.closeIdleConnections(), IDLE_GRACE_MS);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
  });
}

/** The longest time a request's headers may take to arrive. */
const HEADERS_TIMEOUT_MS = 10_000;

/**
 * Node checks its header and request timeouts only every `connectionsCheckingInterval` (30 s by
 * default): slow headers were cut after ~36 s and slow bodies after ~57 s instead of 10 s and 30
 * s. Checking every quarter of the headers timeout (at most every second) cuts them on time.
 */
function serverTimeouts(requestMs: number) {
  const headersMs = Math.min(requestMs, HEADERS_TIMEOUT_MS);
  return { requestMs, headersMs, checkEveryMs: Math.max(50, Math.min(1000, Math.floor(headersMs / 4))) };
}

export interface StartOptions {
  /**
   * Where spans go instead of OTLP, which turns tracing on without OTEL_EXPORTER_OTLP_ENDPOINT
   * (the benchmark's in-process exporter). Default: OTLP when the endpoint is set, else no tracing.
   */
  spanExporter?: SpanExporter;
}

/**
 * Spans exported in batches to an OTLP collector when one is named (or to `exporter`); otherwise
 * no tracer at all, and no plugin, wrapper or listener that would ask for one.
 */
function tracerProvider(config: Config, exporter: SpanExporter | undefined): BasicTracerProvider | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (exporter === undefined && endpoint === undefined) return undefined;
  const otlp = () =>
    new OTLPTraceExporter({ url: new URL('v1/traces', `${endpoint?.replace(/\/$/, '')}/`).href });
  return new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter ?? otlp())] });
}

/** config -> backends -> services -> app -> listening HTTP server. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const tracing = tracerProvider(config, options.spanExporter);
  const tracer = tracing?.getTracer('docgate');
  const backends = await createBackends(config, logger, tracer);
  const services = createServices(backends, logger);
  await ensureIndexes(services);
  if (backends.documents.kind === 'embedded' && config.SEED_DEMO_DATA)
    await seedFirstStart(backends, services, logger);

  const production = config.NODE_ENV === 'production';
  // WebSocket connections and SSE streams draw on the same slots per caller.
  const connectionSlots = new CallerSlots(config.MAX_CONNECTIONS_PER_CALLER);
  const graphiql = config.GRAPHIQL === undefined ? !production : config.GRAPHIQL === 'true';
  const welcome: WelcomeFacts = graphiql ? await welcomeIds(backends.documents) : {};
  if (backends.documents.kind === 'embedded' && config.NODE_ENV === 'development')
    welcome.demoAccount = await ensureDemoAccount(services, logger);
  const app = createApp({
    ...(tracer === undefined ? {} : { tracer }),
    services,
    logger,
    graphiql,
    welcome,
    introspection: !production,
    corsOrigins: config.CORS_ORIGINS,
    readiness: backends.readiness,
    // Not ready once shutting down, so a load balancer stops sending here.
    draining: () => closing,
    metrics: {
      cache: () => backends.cache.stats(),
      // Open subscription streams (not pub/sub listeners: an audience shares one among many).
      openSubscriptions: () => subscriptionCounts(services).open,
      queueDepth: async () => {
        const counts = await services.jobs.counts();
        return counts.waiting + counts.delayed;
      },
    },
    trustProxy: config.TRUST_PROXY,
    connectionSlots,
  });
  let closing = false;
  const timeouts = serverTimeouts(config.REQUEST_TIMEOUT_MS);
  const server: Server = createServer({ connectionsCheckingInterval: timeouts.checkEveryMs }, (req, res) => {
    // While shutting down, each response closes its connection, so keep-alive clients move to
    // another instance after their answer instead of being cut mid-request.
    if (closing) res.setHeader('connection', 'close');
    // A body must declare its length, so the size limit is checked before anything is read.
    if (req.method === 'POST' && req.headers['content-length'] === undefined) {
      const body = refusalBody({ message: 'Length Required', code: 'BAD_USER_INPUT' });
      res
        .writeHead(411, { 'content-type': refusalContentType(req.headers.accept) })
        .end(JSON.stringify(body));
      return;
    }
    void app(req, res);
  });
  const websocket = attachWebSocket(server, app, services, logger, {
    allowedOrigins: config.CORS_ORIGINS,
    trustProxy: config.TRUST_PROXY,
    maxSubscriptions: config.WS_MAX_SUBSCRIPTIONS,
    connectionSlots,
    maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
    drainMs: config.SHUTDOWN_DRAIN_MS,
  });
  // Every gateway sweeps: a crashed instance's pending orders are finished by the others.
  services.orderSweeper.start();
  // The embedded default always runs its workers here; on Redis, WORKERS_IN_PROCESS decides.
  if (backends.jobs.kind === 'in-process' || config.WORKERS_IN_PROCESS)
    services.jobs.work(config.WORKER_CONCURRENCY);
  server.requestTimeout = timeouts.requestMs;
  server.headersTimeout = timeouts.headersMs;
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
      closing = true;
      await Promise.all([websocket.close(), drain(server, config.SHUTDOWN_DRAIN_MS)]);
      await closeServices(services);
      await backends.close();
      // Sends the spans still batched.
      await tracing?.shutdown();
    },
  };
}
