import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type ExecutionResult, print } from 'graphql';
import { inject } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type Backends, createBackends } from '../../src/datasources/index.js';
import { createLogger } from '../../src/logger.js';
import { createServices, ensureIndexes, type Services } from '../../src/services/index.js';
import { uniqueName } from './names.js';

export interface TestApp {
  name: string;
  app: App;
  services: Services;
  backends: Backends;
  /** Runs an operation through the app (`app.fetch`, no port) and returns the parsed result. */
  run<R, V>(
    doc: TypedDocumentNode<R, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<ExecutionResult<R>>;
  close(): Promise<void>;
}

export type BackendName = 'embedded' | 'mongodb';

/** Environment for a backend: embedded in memory, or the run's FerretDB (a fresh database) and Redis. */
export function envFor(name: BackendName, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: Record<string, string> = { DATA_DIR: ':memory:', SEED_DEMO_DATA: 'false', NODE_ENV: 'test' };
  if (name === 'mongodb') {
    base.MONGODB_URL = inject('mongodbUrl');
    base.MONGODB_DB = uniqueName('t');
  }
  return { ...base, ...extra };
}

export async function makeApp(name: BackendName, extra: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig(envFor(name, extra));
  const logger = createLogger('silent');
  const backends = await createBackends(config, logger);
  const services = createServices(backends, logger);
  await ensureIndexes(services);
  const app = createApp({ services, logger, graphiql: false });
  return {
    name,
    app,
    services,
    backends,
    async run(doc, variables, headers = {}) {
      const response = await app.fetch('http://docgate.test/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...headers,
        },
        body: JSON.stringify({ query: print(doc), variables }),
      });
      return (await response.json()) as ExecutionResult<never>;
    },
    async close() {
      await backends.close();
    },
  };
}

/** Every backend a conformance suite runs against. */
export const BACKENDS: readonly BackendName[] = ['embedded', 'mongodb'];
