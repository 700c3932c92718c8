import { JOB_RETENTION_SECONDS } from '../config.js';
import type { Backends } from '../datasources/ports/backends.js';
import type { RateLimiter } from '../datasources/ports/rate-limiter.js';
import type { ResponseCacheStore } from '../datasources/ports/response-cache.js';
import type { Logger } from '../logger.js';
import { AccountService } from './accounts.js';
import { type CrashPoint, crashPointAt } from './crash-points.js';
import { CustomerService } from './customers.js';
import { JobService } from './jobs.js';
import { LeaderboardService } from './leaderboards.js';
import { OrderSweeper } from './order-sweeper.js';
import { OrderService } from './orders.js';
import { PresenceService } from './presence.js';
import { ProductService } from './products.js';
import { ServerStatsService } from './server-stats.js';
import { SharedCache } from './shared-cache.js';
import { type DocumentSources, loadTrustedDocuments } from './trusted-documents.js';
import { ViewCounts } from './views.js';

/** The domain services, built once over the backends and shared by every request. */
export interface Services {
  customers: CustomerService;
  products: ProductService;
  orders: OrderService;
  /** View counts of customers and products (the counters backend). */
  views: ViewCounts;
  accounts: AccountService;
  /** The shared cache under the by-id reads; its hit/miss counts feed `serverStats`. */
  cache: SharedCache;
  /** The per-caller request limiter (RATE_LIMIT_POINTS per RATE_LIMIT_WINDOW_SECONDS). */
  requestLimiter: RateLimiter;
  leaderboards: LeaderboardService;
  jobs: JobService;
  /** Accounts online: held by this instance's subscription connections, counted over all. */
  presence: PresenceService;
  serverStats: ServerStatsService;
  /** Finishes or undoes orders a crashed instance left pending; started by the gateway. */
  orderSweeper: OrderSweeper;
  /** Where documents named by hash come from: persisted queries, or trusted documents only. */
  documents: DocumentSources;
  /** Whole query responses (RESPONSE_CACHE_TTL_SECONDS; 0: off). */
  responseCache: { store: ResponseCacheStore; ttlSeconds: number };
}

/** `crash`: where a test stops the process (DOCGATE_CRASH_AT) or holds a step to race it. */
export function createServices(
  backends: Backends,
  logger: Logger,
  crash: CrashPoint = crashPointAt(backends.config.DOCGATE_CRASH_AT),
): Services {
  const { config } = backends;
  const cache = new SharedCache(backends.cache, config.CACHE_TTL_SECONDS, logger);
  const views = new ViewCounts(backends.counters);
  // The customers ask the orders before a delete, and the orders the customers before a placement:
  // the question is passed in as a function, so neither constructor needs the other built first.
  const pendingMs = config.ORDER_PENDING_SECONDS * 1000;
  const customers: CustomerService = new CustomerService(
    backends.documents,
    views,
    cache,
    (id) => orders.customerOrders(id),
    pendingMs,
    crash,
  );
  const products = new ProductService(backends.documents, views, cache);
  const orders = new OrderService(backends.documents, customers, products, logger, crash);
  return {
    customers,
    products,
    orders,
    views,
    accounts: new AccountService(
      backends.documents,
      backends.sessions,
      backends.rateLimiter,
      {
        sessionTtlSeconds: config.SESSION_TTL_SECONDS,
        loginMaxFailures: config.LOGIN_MAX_FAILURES,
        loginAddressMaxFailures: config.LOGIN_ADDRESS_MAX_FAILURES,
        loginBlockSeconds: config.LOGIN_BLOCK_SECONDS,
        hashing: { concurrency: config.PASSWORD_HASH_CONCURRENCY, queue: config.PASSWORD_HASH_QUEUE },
        admin:
          config.ADMIN_EMAIL === undefined || config.ADMIN_PASSWORD === undefined
            ? undefined
            : { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD },
      },
      logger,
      backends.pubsub,
    ),
    cache,
    // Requests keep being limited, per process, while Redis is down.
    requestLimiter: backends.rateLimiter({
      name: 'requests',
      points: config.RATE_LIMIT_POINTS,
      durationSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      whenStoreDown: 'memory',
    }),
    leaderboards: new LeaderboardService(backends.leaderboards, backends.pubsub, backends.events),
    jobs: new JobService(
      backends.jobs,
      backends.events,
      backends.pubsub,
      backends.documents,
      customers,
      {
        stepDelayMs: config.JOB_STEP_DELAY_MS,
        // Over the time finished jobs are kept, so it bounds what an account holds in the queue.
        quota: backends.rateLimiter({
          name: 'job-quota',
          points: config.JOB_QUOTA_PER_ACCOUNT,
          durationSeconds: JOB_RETENTION_SECONDS,
          whenStoreDown: 'fail',
        }),
        outboxQuota: config.OUTBOX_QUOTA_PER_ACCOUNT,
      },
      logger,
    ),
    presence: new PresenceService(backends.presence, config.PRESENCE_TTL_SECONDS, logger),
    serverStats: new ServerStatsService(backends.documents, () => backends.serverStats(), cache),
    orderSweeper: new OrderSweeper(
      orders,
      products,
      { pendingMs, everyMs: config.ORDER_SWEEP_SECONDS * 1000 },
      logger,
      crash,
    ),
    responseCache: { store: backends.responseCache, ttlSeconds: config.RESPONSE_CACHE_TTL_SECONDS },
    documents: {
      store: backends.persistedQueries,
      maxBytes: config.APQ_MAX_DOCUMENT_BYTES,
      trusted: config.TRUSTED_DOCUMENTS === undefined ? null : loadTrustedDocuments(config.TRUSTED_DOCUMENTS),
    },
  };
}

/** Stops what the services run in the background (job feeds, presence refresh); before backends.close(). */
export async function closeServices(services: Services): Promise<void> {
  await Promise.all([services.jobs.close(), services.presence.close(), services.orderSweeper.close()]);
}

/**
 * Ensures every index the services rely on (unique email, order numbers...) and the ADMIN
 * account of the settings. Run at start.
 */
export async function ensureIndexes(services: Services): Promise<void> {
  await services.customers.ensureIndexes();
  await services.orders.ensureIndexes();
  await services.accounts.ensureIndexes();
  await services.jobs.ensureIndexes();
  await services.accounts.ensureAdmin();
}
