import { print } from 'graphql';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { inProcessBackends } from '../../src/datasources/index.js';
import { MongoDocumentStore } from '../../src/datasources/mongo/documents.js';
import { createLogger } from '../../src/logger.js';
import { createServices, ensureIndexes, type Services } from '../../src/services/index.js';
import { OrdersDocument } from '../generated/operations.js';
import { uniqueName } from '../helpers/names.js';

describe('no N+1 on MongoDB', () => {
  const commands: string[] = [];
  const unbounded: string[] = [];
  let client: MongoClient;
  let store: MongoDocumentStore;
  let services: Services;

  beforeAll(async () => {
    const url = inject('mongodbUrl');
    client = new MongoClient(url, { monitorCommands: true });
    client.on('commandStarted', (event) => {
      commands.push(event.commandName);
      const reads = ['find', 'aggregate', 'count', 'findAndModify'];
      if (reads.includes(event.commandName) && typeof event.command.maxTimeMS !== 'number')
        unbounded.push(event.commandName);
    });
    store = await MongoDocumentStore.connect(url, uniqueName('nplus1'), { maxTimeMS: 5000, client });
    const logger = createLogger('silent');
    services = createServices(inProcessBackends(store, loadConfig({})), logger);
    await ensureIndexes(services);
    // 50 orders, each from its own customer, each with two of ten products.
    const products = [];
    for (let i = 0; i < 10; i++)
      products.push(await services.products.create({ name: `P${i}`, price: i + 1, stock: 1000 }));
    for (let i = 0; i < 50; i++) {
      const customer = await services.customers.create({
        lastName: `C${i}`,
        firstName: 'N',
        email: `c${i}@n.example`,
      });
      const [a, b] = [products[i % 10], products[(i + 3) % 10]];
      if (!a || !b) throw new Error('products missing');
      await services.orders.place({
        customerId: customer.id,
        items: [
          { productId: a.id, quantity: 1 },
          { productId: b.id, quantity: 2 },
        ],
      });
    }
  });
  afterAll(async () => {
    await store.dropDatabase();
    await store.close();
  });

  /** Commands for one list request, on fresh services: a cold shared cache, so loaders alone are measured. */
  const commandsFor = async (first: number) => {
    const logger = createLogger('silent');
    const cold = createServices(inProcessBackends(store, loadConfig({})), logger);
    const app = createApp({ services: cold, logger, graphiql: false });
    const account = await cold.accounts.create(
      { email: `${uniqueName('u')}@n.example`, password: 'correct horse battery' },
      'USER',
    );
    const { token } = await cold.accounts.openSession(account);
    commands.length = 0;
    const response = await app.fetch('http://docgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: print(OrdersDocument), variables: { first } }),
    });
    const body = (await response.json()) as { data?: { orders: { edges: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.orders.edges).toHaveLength(first);
    return [...commands];
  };

  it('lists 50 orders with customers and products in as many commands as 5', async () => {
    const five = await commandsFor(5);
    const fifty = await commandsFor(50);
    // One find for the page, one for its customers, one for its products (+ count, when asked).
    expect(fifty).toEqual(five);
    expect(fifty.length).toBeLessThanOrEqual(4);
  });

  it('puts a time limit (maxTimeMS) on every query it sends', () => {
    expect(commands.length).toBeGreaterThan(0);
    expect(unbounded).toEqual([]);
  });
});
