import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

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
    /** Redis connection string; when absent, the embedded in-process services are used. */
    REDIS_URL: z.string().url().optional(),
    /** Where the embedded document store keeps its files. Default `./data`; `:memory:` keeps nothing. */
    DATA_DIR: z.string().min(1).default('./data'),
    /** Load the demo data on the first start of an empty embedded store. Default true. */
    SEED_DEMO_DATA: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    ADMIN_EMAIL: z.string().email().optional(),
    ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
    /** Sliding session lifetime. Default 3600. */
    SESSION_TTL_SECONDS: positiveInt(3600),
    /** Shared cache entry lifetime. Default 300. */
    CACHE_TTL_SECONDS: positiveInt(300),
    /** Requests per window per caller. Default 100. */
    RATE_LIMIT_POINTS: positiveInt(100),
    /** Rate-limit window. Default 60. */
    RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
    /** Server-side time limit on every MongoDB query (maxTimeMS). Default 5000. */
    QUERY_TIMEOUT_MS: positiveInt(5000),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  })
  .refine((c) => (c.ADMIN_EMAIL === undefined) === (c.ADMIN_PASSWORD === undefined), {
    message: 'ADMIN_EMAIL and ADMIN_PASSWORD go together',
    path: ['ADMIN_PASSWORD'],
  });

export type Config = z.infer<typeof schema>;

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
