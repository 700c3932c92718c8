import { z } from 'zod';
import { redisOptionsFromUrl } from './redis-url.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The named steps of a write that spans documents (placing an order, sweeping one, deleting a
 * customer) where the test hook DOCGATE_CRASH_AT makes the process die, to prove nothing is lost.
 */
export const CRASH_STEPS = [
  'order-after-intent',
  'order-after-first-reserve',
  'order-after-reserve',
  'order-after-confirm',
  'order-after-insert',
  'order-after-settle',
  'sweep-after-claim',
  'withdraw-after-release',
  'delete-after-mark',
] as const;
export type CrashStep = (typeof CRASH_STEPS)[number];

const schema = z
  .object({
    /** HTTP port. Default 4000. */
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    /** MongoDB connection string; when absent, the embedded document store is used. */
    MONGODB_URL: z.string().url().optional(),
    /** Database name on MongoDB. Default `docgate`. */
    MONGODB_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, 'letters, digits, _ or -, at most 63')
      .default('docgate'),
    /**
     * Where list reads (paged connections, their totalCount) go on a replica set: `primary`
     * (default: every read sees every acknowledged write), or `primaryPreferred`, `secondary`,
     * `secondaryPreferred`, `nearest` to move them off the primary at the price of lag. Every
     * other read (by id, for a write, after one's own write) stays on the primary.
     */
    MONGODB_READ_PREFERENCE: z
      .enum(['primary', 'primaryPreferred', 'secondary', 'secondaryPreferred', 'nearest'])
      .default('primary'),
    /** Redis connection string; when absent, the embedded in-process services are used. */
    REDIS_URL: z
      .string()
      .refine((url) => {
        try {
          redisOptionsFromUrl(url);
          return true;
        } catch {
          return false;
        }
      }, 'expected redis://, rediss://, redis-sentinel://host:port[,host:port]/<master> or redis-cluster://host:port[,host:port]')
      .optional(),
    /** Prefix of every key this app writes in Redis, so apps (and tests) can share one server. Default `docgate:`. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{0,64}$/, 'letters, digits, _ : . or -, at most 64')
      .default('docgate:'),
    /**
     * On a Redis Cluster, how long a score change waits for a replica to hold it before it is
     * answered (WAIT), so an answered change and its event survive a master's failover. Default
     * 250, at most 900 (under the 1 s command timeout); 0 turns the wait off. Ignored on one server.
     */
    REDIS_REPLICA_WAIT_MS: z.coerce.number().int().min(0).max(900).default(250),
    /** Where the embedded document store keeps its files. Default `./data`; `:memory:` keeps nothing. */
    DATA_DIR: z.string().min(1).default('./data'),
    /** Load the demo data on the first start of an empty embedded store. Default true. */
    SEED_DEMO_DATA: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** With ADMIN_PASSWORD: an ADMIN account with this email is ensured at start. */
    ADMIN_EMAIL: z.string().email().optional(),
    /** The ensured ADMIN's password (8..128 characters); set on creation, never changed afterwards. */
    ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
    /** Sliding session lifetime. Default 3600. */
    SESSION_TTL_SECONDS: positiveInt(3600),
    /**
     * Failed logins per email from one client address within LOGIN_BLOCK_SECONDS before that
     * address's further attempts on that email are refused; the owner, from another address, is
     * not. Default 10.
     */
    LOGIN_MAX_FAILURES: positiveInt(10),
    /** Failed logins from one client address, whatever the email, before it is refused. Default 100. */
    LOGIN_ADDRESS_MAX_FAILURES: positiveInt(100),
    /** How long failed logins count, and how long a refused email/address stays refused. Default 900. */
    LOGIN_BLOCK_SECONDS: positiveInt(900),
    /** Password hashes (scrypt, 128 MiB each) run at once by this process. Default 2. */
    PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** Password hashes waiting for a slot; a login or registration past it is RATE_LIMITED. Default 8. */
    PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(8),
    /** Shared cache entry lifetime. Default 300. */
    CACHE_TTL_SECONDS: positiveInt(300),
    /** Requests per window per caller. Default 100. */
    RATE_LIMIT_POINTS: positiveInt(100),
    /** Rate-limit window. Default 60. */
    RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
    /**
     * Behind a reverse proxy: take the client address for rate limits from the last
     * `X-Forwarded-For` entry (the one the proxy appended). Default false: the socket's address.
     */
    TRUST_PROXY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Operations (subscriptions included) open at once on one WebSocket connection. Default 100. */
    WS_MAX_SUBSCRIPTIONS: positiveInt(100),
    /**
     * WebSocket connections and SSE streams one caller (the account, else the client address) may
     * hold open at once on one instance. Default 20.
     */
    MAX_CONNECTIONS_PER_CALLER: positiveInt(20),
    /**
     * Bytes a WebSocket subscriber may leave unread (its socket's buffered amount) before it is
     * dropped with close code 4413; it never holds others up or grows the heap. Default 1048576.
     */
    WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(1_048_576),
    /**
     * At shutdown, how long requests, SSE streams and WebSocket connections get to finish before
     * they are cut (sockets of clients that stopped reading are destroyed). Default 5000.
     */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
    /** Server-side time limit on every MongoDB query (maxTimeMS). Default 5000. */
    QUERY_TIMEOUT_MS: positiveInt(5000),
    /** Run job workers inside the gateway. Default true; the embedded default always does. */
    WORKERS_IN_PROCESS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Jobs one worker process runs at once. Default 4. */
    WORKER_CONCURRENCY: positiveInt(4),
    /** Attempts per job, the first included, for failures that may pass. Default 3. */
    JOB_ATTEMPTS: positiveInt(3),
    /** First retry delay, doubled at each further retry. Default 1000. */
    JOB_BACKOFF_MS: positiveInt(1000),
    /** A worker's lock on its job; a job whose worker died is run again within about twice this. Default 30000. */
    JOB_LOCK_MS: positiveInt(30_000),
    /** Pause after each progress report of a job (demos; tests interrupt jobs mid-run). Default 0. */
    JOB_STEP_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(0),
    /**
     * Jobs one account may enqueue per 24 h, the time finished jobs are kept: what bounds the
     * jobs an account holds, waiting or kept. Past it, RATE_LIMITED with retryAfter. Default 1000.
     */
    JOB_QUOTA_PER_ACCOUNT: positiveInt(1000),
    /**
     * Messages one account may hold in the outbox (each body at most 100,000 characters). Past
     * it, `send_email` is refused with CONFLICT, and a job that would overfill it fails. Default 200.
     */
    OUTBOX_QUOTA_PER_ACCOUNT: positiveInt(200),
    /** An online account not refreshed by its instance for this long stops counting. Default 45. */
    PRESENCE_TTL_SECONDS: z.coerce.number().int().min(2).max(3600).default(45),
    /**
     * How long each leaderboard and job event is kept for resuming with `after` / Last-Event-ID.
     * Default 3600.
     */
    EVENT_RETENTION_SECONDS: z.coerce
      .number()
      .int()
      .min(10)
      .max(7 * 24 * 3600)
      .default(3600),
    /**
     * Events kept per board or job, whatever their age, so a busy board's log stays bounded
     * (about 200 bytes each on Redis, see README "Event cursors"). Default 10000.
     */
    EVENT_LOG_MAX_LENGTH: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** GraphiQL at GET /graphql; default: on, except when NODE_ENV=production. */
    GRAPHIQL: z.enum(['true', 'false']).optional(),
    /** Comma-separated origins allowed by CORS (`https://app.example.com`); default: none. */
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== ''),
      )
      .pipe(z.array(z.url('each origin must be a URL'))),
    /** Longest time a request may take to arrive in full, in milliseconds. Default 30000. */
    REQUEST_TIMEOUT_MS: positiveInt(30_000),
    /**
     * An order still pending (its stock taken, not yet confirmed) this long after its last step is
     * taken to be abandoned by a crashed or stalled instance: the sweeper gives its stock back (or
     * completes it, when it was confirmed). Also how long a customer's delete mark holds. Default 60.
     */
    ORDER_PENDING_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    /** How often each instance runs the order sweeper (it also runs once at start). Default 30. */
    ORDER_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /**
     * Test hook: the process kills itself (SIGKILL) the first time it reaches this step. Refused
     * unless NODE_ENV=test.
     */
    DOCGATE_CRASH_AT: z.enum(CRASH_STEPS).optional(),
    /** An automatic persisted query unused for this long is forgotten. Default 86400 (a day). */
    APQ_TTL_SECONDS: positiveInt(86_400),
    /** Persisted queries kept by the embedded (in-process) store, least recently used dropped. Default 10000. */
    APQ_MAX_ENTRIES: positiveInt(10_000),
    /** The largest document a client may register as a persisted query, in bytes. Default 20000. */
    APQ_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(100).max(100_000).default(20_000),
    /**
     * Path of a persisted-documents manifest (`{ "<sha256>": "<document>" }`, written by `npm run
     * codegen`): when set, only its documents run, on every transport. Default: unset (any document).
     */
    TRUSTED_DOCUMENTS: z.string().min(1).optional(),
    /**
     * Lifetime of a cached query response (per role, shared on Redis, dropped by the mutations that
     * change its entities). Default 0: no response cache.
     */
    RESPONSE_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(0),
    /** OTLP/HTTP collector (`http://collector:4318`): traces are exported to `<it>/v1/traces`. Default: no tracing. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  })
  .refine((c) => (c.ADMIN_EMAIL === undefined) === (c.ADMIN_PASSWORD === undefined), {
    message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together',
    path: ['ADMIN_PASSWORD'],
  })
  .refine((c) => c.DOCGATE_CRASH_AT === undefined || c.NODE_ENV === 'test', {
    message: 'a test hook: only with NODE_ENV=test',
    path: ['DOCGATE_CRASH_AT'],
  });

export type Config = z.infer<typeof schema>;

/** Finished jobs (and their results) are kept 24 h; per-account job quotas count over the same time. */
export const JOB_RETENTION_SECONDS = 24 * 60 * 60;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses settings once; a bad value throws a ConfigError naming each variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(picked);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`);
    throw new ConfigError(`invalid settings:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}
