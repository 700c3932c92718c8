/**
 * CPU time per request of docgate's read path in process: `app.fetch` of the Orders operation,
 * signed in, with the production plugins and embedded backends; no socket and no load generator,
 * so it holds up on a busy machine better than req/s. Prints the median of 5 slices per size.
 *
 *   tsx bench/in-process.ts [--requests 2000]
 */
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createBackends } from '../src/datasources/index.js';
import { createLogger } from '../src/logger.js';
import { createServices, ensureIndexes } from '../src/services/index.js';
import { seedOrders } from './lib/dataset.js';
import { ORDERS } from './lib/queries.js';
import { BASE_ENV, gql } from './lib/targets.js';
import { signInUser } from './servers/common.js';

const at = process.argv.indexOf('--requests');
const requests = at === -1 ? 2000 : Number(process.argv[at + 1]);
const logger = createLogger('info', pino.destination('/dev/null'));
const backends = await createBackends(loadConfig({ ...BASE_ENV }), logger);
const services = createServices(backends, logger);
await ensureIndexes(services);
const app = createApp({ services, logger, graphiql: false, introspection: false });
await seedOrders(services, { orders: 50, products: 30, items: 3 });
const authorization = await signInUser(services);
const SLICES = 5;
for (const first of [50, 5]) {
  const body = gql(ORDERS, { first });
  const one = async () => {
    const headers = { 'content-type': 'application/json', authorization };
    const response = await app.fetch('http://localhost/graphql', { method: 'POST', headers, body });
    await response.text();
  };
  for (let i = 0; i < 300; i++) await one();
  const perRequest: number[] = [];
  for (let slice = 0; slice < SLICES; slice++) {
    const before = process.cpuUsage();
    for (let i = 0; i < requests / SLICES; i++) await one();
    const used = process.cpuUsage(before);
    perRequest.push((used.user + used.system) / (requests / SLICES));
  }
  perRequest.sort((a, b) => a - b);
  const median = perRequest[Math.floor(SLICES / 2)] ?? 0;
  console.log(`${first} orders: ${Math.round(median)} us of CPU per request (median of ${SLICES})`);
}
await backends.close();
