/**
 * The same schema, services, data and context factory as docgate, served by Apollo Server 5
 * (standalone) or by Mercurius on Fastify with graphql-jit: only the server differs.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { loadConfig } from '../../src/config.js';
import type { Context } from '../../src/context.js';
import { createBackends } from '../../src/datasources/index.js';
import { createLogger } from '../../src/logger.js';
import { schema } from '../../src/schema/index.js';
import { closeServices, createServices, ensureIndexes } from '../../src/services/index.js';
import { type OrdersSpec, seedOrders } from '../lib/dataset.js';
import { serveParent } from '../lib/ipc.js';
import { memoryAfterGc, optionsFromEnv, peerContext, signInUser } from './common.js';
import type { DocgateReady } from './docgate.js';

export interface PeerOptions {
  kind: 'apollo' | 'mercurius';
  env: Record<string, string>;
  orders?: OrdersSpec;
}

const options = optionsFromEnv<PeerOptions>();
const logger = createLogger('warn');
const config = loadConfig(options.env);
const backends = await createBackends(config, logger);
const services = createServices(backends, logger);
await ensureIndexes(services);
const data = options.orders
  ? await seedOrders(services, options.orders)
  : { customerIds: [], productIds: [] };

let url: string;
let stopServer: () => Promise<void>;
if (options.kind === 'apollo') {
  const apollo = new ApolloServer<Context>({ schema, introspection: false });
  const started = await startStandaloneServer(apollo, {
    listen: { port: 0, host: '127.0.0.1' },
    context: ({ req }) => peerContext(services, req.headers.authorization),
  });
  url = new URL('/graphql', started.url).href;
  stopServer = () => apollo.stop();
} else {
  const app = Fastify({ logger: false });
  await app.register(mercurius, {
    schema,
    path: '/graphql',
    // Compile a query with graphql-jit from its first use on.
    jit: 1,
    context: (request) => peerContext(services, request.headers.authorization),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  url = `${address}/graphql`;
  stopServer = () => app.close();
}

const ready: DocgateReady = { url, authorization: await signInUser(services), ...data };
serveParent(
  {
    memory: memoryAfterGc,
  },
  ready,
  async () => {
    await stopServer();
    await closeServices(services);
    await backends.close();
  },
);
