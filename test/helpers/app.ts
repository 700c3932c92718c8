import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Tracer } from '@opentelemetry/api';
import { type DocumentNode, type ExecutionResult, print } from 'graphql';
import { inject } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type Backends, createBackends } from '../../src/datasources/index.js';
import type { Role } from '../../src/datasources/ports/sessions.js';
import { scanTargets } from '../../src/datasources/redis/slots.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createServices, ensureIndexes, type Services } from '../../src/services/index.js';
import { uniqueName } from './names.js';
import { withRedisOf } from './redis.js';
import { clusterBackendUrl } from './test-cluster.js';

export interface TestApp {
  name: string;
  app: App;
  services: Services;
  backends: Backends;
  /**
   * Runs an operation through the app (`app.fetch`, no port) and returns the parsed result.
   * Without `headers`, as the `signedInAs` account when there is one, else anonymously.
   */
  run<R, V>(
    doc: TypedDocumentNode<R, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<ExecutionResult<R>>;
  /** Like `run`, but returns the HTTP response itself (status, headers). */
  fetch<R, V>(
    doc: TypedDocumentNode<R, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<Response>;
  /**
   * A new account with this role (default USER), signed in: returns the headers that carry its
   * token, `{ authorization: 'Bearer …' }`, to pass to `run`.
   */
  signIn(role?: Role): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** `cluster`: as `mongodb`, with a Redis Cluster instead of one Redis (see useClusterBackend). */
export type BackendName = 'embedded' | 'mongodb' | 'cluster';

/**
 * Environment for a backend: embedded in memory, or the run's FerretDB (a fresh database) and
 * Redis (a fresh key prefix). The request rate limit is out of the way unless `extra` sets one.
 */
export function envFor(name: BackendName, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: Record<string, string> = {
    DATA_DIR: ':memory:',
    SEED_DEMO_DATA: 'false',
    NODE_ENV: 'test',
    RATE_LIMIT_POINTS: '1000000',
  };
  if (name !== 'embedded') {
    base.MONGODB_URL = inject('mongodbUrl');
    base.MONGODB_DB = uniqueName('t');
    base.REDIS_URL = inject('redisUrl');
    base.REDIS_PREFIX = `${uniqueName('t')}:`;
  }
  return { ...base, ...extra };
}

export interface MakeAppOptions {
  /**
   * Sign in an account with this role once, and send its token with every `run`/`fetch` that
   * passes no headers of its own (pass `{}` to call anonymously).
   */
  signedInAs?: Role;
  /** Where the app logs; default silent. */
  logger?: Logger;
  /** Traces the app and its backends' calls (OpenTelemetry); default: no tracing. */
  tracer?: Tracer;
}

export async function makeApp(
  name: BackendName,
  extra: Record<string, string> = {},
  options: MakeAppOptions = {},
): Promise<TestApp> {
  const cluster: Record<string, string> = name === 'cluster' ? { REDIS_URL: await clusterBackendUrl() } : {};
  const config = loadConfig(envFor(name, { ...cluster, ...extra }));
  const logger = options.logger ?? createLogger('silent');
  const { tracer } = options;
  const backends = await createBackends(config, logger, tracer);
  const services = createServices(backends, logger);
  await ensureIndexes(services);
  const app = createApp({
    services,
    logger,
    graphiql: false,
    trustProxy: config.TRUST_PROXY,
    ...(tracer === undefined ? {} : { tracer }),
  });
  let signedIn: Record<string, string> = {};
  const post = async (doc: DocumentNode, variables: unknown, headers: Record<string, string> = signedIn) =>
    app.fetch('http://docgate.test/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...headers,
      },
      body: JSON.stringify({ query: print(doc), variables }),
    });
  const signIn = async (role: Role = 'USER') => {
    const account = await services.accounts.create(
      { email: `${uniqueName('user')}@example.test`, password: 'correct horse battery' },
      role,
    );
    const { token } = await services.accounts.openSession(account);
    return { authorization: `Bearer ${token}` };
  };
  if (options.signedInAs !== undefined) signedIn = await signIn(options.signedInAs);
  return {
    name,
    app,
    services,
    backends,
    async run(doc, variables, headers) {
      return (await (await post(doc, variables, headers)).json()) as ExecutionResult<never>;
    },
    fetch: (doc, variables, headers) => post(doc, variables, headers),
    signIn,
    async close() {
      await deleteRedisKeys(backends);
      await backends.close();
    },
  };
}

/** Removes this app's keys (its REDIS_PREFIX) from a shared Redis, when it is reachable. */
async function deleteRedisKeys({ config }: Backends): Promise<void> {
  await withRedisOf(config, async (redis) => {
    if (redis === null) return;
    for (const node of scanTargets(redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${config.REDIS_PREFIX}*`, 'COUNT', 1000);
        cursor = next;
        // One key per DEL: on a cluster, the keys live in many slots.
        await Promise.all(keys.map((key) => redis.del(key)));
      } while (cursor !== '0');
    }
  });
}
