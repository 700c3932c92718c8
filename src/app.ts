import type { Tracer } from '@opentelemetry/api';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { clientAddress } from './client-address.js';
import { type Context, createContext } from './context.js';
import { renderDocgateGraphiQL } from './graphiql/render.js';
import { graphiqlTabs } from './graphiql/tabs.js';
import type { Logger } from './logger.js';
import { createMaskError } from './mask-error.js';
import { CallerSlots } from './plugins/caller-slots.js';
import { isEndpointPath } from './plugins/refusal.js';
import { useAuthentication } from './plugins/use-authentication.js';
import { useEventIds } from './plugins/use-event-ids.js';
import { useExactPaths } from './plugins/use-exact-paths.js';
import { useFilterCost } from './plugins/use-filter-cost.js';
import { useGraphQLSSESingleConnection } from './plugins/use-graphql-sse.js';
import { hardeningPlugins, MAX_BODY_BYTES } from './plugins/use-hardening.js';
import { HEALTH_PATH, useHealth, YOGA_HEALTH_OFF } from './plugins/use-health.js';
import { useIncrementalDelivery } from './plugins/use-incremental-delivery.js';
import { useInputBounds } from './plugins/use-input-bounds.js';
import { useInputFreeErrors } from './plugins/use-input-free-errors.js';
import { useJit } from './plugins/use-jit.js';
import { useJsonPosts } from './plugins/use-json-posts.js';
import { type MetricSources, metricsPlugins } from './plugins/use-metrics.js';
import { usePersistedQueries } from './plugins/use-persisted-queries.js';
import { usePresence } from './plugins/use-presence.js';
import { useRateLimit } from './plugins/use-rate-limit.js';
import { type ReadinessChecks, useReadiness } from './plugins/use-readiness.js';
import { useRequestLog } from './plugins/use-request-log.js';
import { responseCachePlugins } from './plugins/use-response-cache.js';
import { useSharedSubscriptions } from './plugins/use-shared-subscriptions.js';
import { useStreamLimit } from './plugins/use-stream-limit.js';
import { useTracing } from './plugins/use-tracing.js';
import { schema } from './schema/index.js';
import type { WelcomeFacts } from './seed/first-screen.js';
import type { Services } from './services/index.js';

export interface AppDeps {
  services: Services;
  logger: Logger;
  /** GraphiQL at GET /graphql from a browser. */
  graphiql: boolean;
  /** What GraphiQL's first screen names (the demo account, ids in the store). */
  welcome?: WelcomeFacts;
  /** Introspection answered; default true (off in production). */
  introspection?: boolean;
  /** Origins allowed by CORS; empty or absent: no cross-origin access. */
  corsOrigins?: readonly string[];
  /** Probes for `GET /ready`, one per backend in use. */
  readiness?: ReadinessChecks;
  /** True once the instance is shutting down: `/ready` then answers 503. */
  draining?: () => boolean;
  /** Live figures for `GET /metrics`. */
  metrics?: MetricSources;
  /** Rate-limit anonymous callers by the last `X-Forwarded-For` entry; default false (the socket). */
  trustProxy?: boolean;
  /**
   * What each caller holds open (SSE streams here, WebSocket connections in websocket.ts);
   * default: 20 per caller, for this app alone.
   */
  connectionSlots?: CallerSlots;
  /** OpenTelemetry spans for each request, its GraphQL phases and its backend calls; none when absent (no cost). */
  tracer?: Tracer;
}

const ENDPOINT = '/graphql';

export type App = YogaServerInstance<Record<string, never>, Context>;

/** The HTTP app over already-built services. It does no I/O of its own, so tests call `app.fetch`. */
export function createApp(deps: AppDeps): App {
  const graphiql = {
    title: 'docgate',
    defaultTabs: graphiqlTabs(deps.welcome ?? {}),
    // Over fetch, so the token of a login goes along with subscriptions too.
    subscriptionsProtocol: 'SSE',
  } as const;
  const errors = createMaskError(deps.logger);
  return createYoga<Record<string, never>, Context>({
    schema,
    graphqlEndpoint: ENDPOINT,
    healthCheckEndpoint: YOGA_HEALTH_OFF,
    landingPage: false,
    // Rendered with its assets inlined (no CDN: works offline and under a strict CSP), with the
    // script that sends the token of a login along (src/graphiql/render.ts).
    renderGraphiQL: renderDocgateGraphiQL,
    // Only on the endpoint itself: Yoga's GraphiQL plugin runs before ours and matches any URL
    // ending in it.
    graphiql: deps.graphiql ? (request) => isEndpointPath(new URL(request.url), ENDPOINT) && graphiql : false,
    maskedErrors: { maskError: errors.mask },
    batching: false,
    // Counted as the body is read, so a chunked body without a length is bounded too (413).
    maxRequestBodySize: MAX_BODY_BYTES,
    cors:
      deps.corsOrigins && deps.corsOrigins.length > 0
        ? { origin: [...deps.corsOrigins], credentials: true }
        : false,
    plugins: [
      ...(deps.tracer === undefined ? [] : [useTracing(deps.tracer, ENDPOINT)]),
      useRequestLog(deps.logger),
      useExactPaths([ENDPOINT, `${ENDPOINT}/`, HEALTH_PATH, '/ready', '/metrics']),
      useHealth(),
      useReadiness(deps.readiness ?? {}, deps.draining ?? (() => false)),
      ...metricsPlugins(deps.metrics ?? {}),
      // Before the others on /graphql: every request is counted, then authenticated, even refused ones.
      useRateLimit({ services: deps.services, endpoint: ENDPOINT, trustProxy: deps.trustProxy ?? false }),
      useAuthentication({ services: deps.services, endpoint: ENDPOINT }),
      useJsonPosts({ endpoint: ENDPOINT }),
      // A request naming a persisted query by its hash gets its document (Apollo's APQ).
      usePersistedQueries(deps.services.documents),
      useGraphQLSSESingleConnection({ endpoint: ENDPOINT }),
      ...hardeningPlugins({ introspection: deps.introspection ?? true }),
      // After the armor, whose hidden suggestions it keeps: values out of request errors.
      useInputFreeErrors(),
      // Before variables are coerced: graphql-js recurses once per level of nesting.
      useInputBounds(),
      // A CustomerFilter's values count in the operation's cost, with the selection's.
      useFilterCost(),
      // @defer and @stream as incremental delivery (multipart/mixed, SSE, WebSocket).
      useIncrementalDelivery(),
      // Queries and mutations compiled by graphql-jit (see use-jit.ts), but not @defer/@stream.
      useJit(),
      // Query responses per role, shared on Redis, dropped by mutations; wraps the JIT's executor.
      ...responseCachePlugins(deps.services.responseCache),
      // Subscriptions on the fan-out engine: one execution per event per audience, fresh loaders.
      useSharedSubscriptions({ maskError: errors.mask }),
      // Each SSE event's id: is its cursor (Last-Event-ID resumes; see schema/*.ts `after`).
      useEventIds(),
      // A signed-in subscriber is online while its stream is open.
      usePresence(),
      // An SSE stream holds one of its caller's connection slots while open.
      useStreamLimit(deps.connectionSlots ?? new CallerSlots(20)),
    ],
    logging: {
      debug: (...args) => deps.logger.debug({ args }, 'yoga'),
      info: (...args) => deps.logger.info({ args }, 'yoga'),
      warn: (...args) => deps.logger.warn({ args }, 'yoga'),
      // Yoga logs every error the mask rewrote, as it came (values included) and at error level:
      // the mask logs those itself, expected ones at info and without values.
      error: (...args) => {
        if (!args.every(errors.handled)) deps.logger.error({ args }, 'yoga');
      },
    },
    // `request` is absent over WebSocket, whose initial context holds the upgrade request (`req`).
    context: (initial) =>
      createContext(deps.services, initial.request, null, clientAddress(initial, deps.trustProxy ?? false)),
  });
}
