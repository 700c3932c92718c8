/**
 * Every list the API offers is served by a declared index (src/services/indexes.ts) on the
 * MongoDB-wire server: the services run each list, the driver's command monitoring captures the
 * `find` it sends, and the server's own plan (`explain`) for that exact command is read.
 *
 * The test server (FerretDB 2.7 + DocumentDB 0.107) answers `explain` in PostgreSQL's plan format
 * and has no ordered index scan: a sorted list without a filter reads the collection and sorts it
 * (the README's "What the test server lacks" names it). For that case the test asserts what is
 * true there (the declared index exists with its keys; the plan sorts) and, on a server with
 * MongoDB's format, that the index walk serves the sort, so the gap cannot close or open unseen.
 */
import { type Document, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { inProcessBackends } from '../../src/datasources/index.js';
import { MongoDocumentStore } from '../../src/datasources/mongo/documents.js';
import type { StoredDoc } from '../../src/datasources/ports/documents.js';
import { createLogger } from '../../src/logger.js';
import type { CustomerFilter } from '../../src/services/customer-filter.js';
import type { CustomerOrder } from '../../src/services/customers.js';
import { newId } from '../../src/services/ids.js';
import { createServices, ensureIndexes, type Services } from '../../src/services/index.js';
import { INDEXES } from '../../src/services/indexes.js';
import { uniqueName } from '../helpers/names.js';

const CUSTOMERS = 5_000;
const CITIES = ['Paris', 'Lyon', 'Nice', 'Lille', 'Nantes', 'Metz', 'Brest', 'Caen'];

/** What a plan does, in either format: the indexes it reads, whether it sorts, whether it scans. */
interface PlanFacts {
  indexes: Set<string>;
  sorts: boolean;
  collectionScan: boolean;
  postgres: boolean;
}

function factsOf(explain: Document): PlanFacts {
  const facts: PlanFacts = { indexes: new Set(), sorts: false, collectionScan: false, postgres: false };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    // PostgreSQL (DocumentDB): "Index Name", "Node Type"; MongoDB: stage, indexName.
    if (typeof n['Node Type'] === 'string') facts.postgres = true;
    for (const key of ['Index Name', 'indexName']) if (typeof n[key] === 'string') facts.indexes.add(n[key]);
    if (n['Node Type'] === 'Sort' || n.stage === 'SORT') facts.sorts = true;
    if (n['Node Type'] === 'Seq Scan' || n.stage === 'COLLSCAN') facts.collectionScan = true;
    Object.values(n).forEach(visit);
  };
  visit(explain.queryPlanner ?? explain);
  return facts;
}

describe('MongoDB: every list of the API is served by its index', () => {
  const finds: Document[] = [];
  let client: MongoClient;
  let store: MongoDocumentStore;
  let services: Services;
  let dbName: string;
  const customerIds: string[] = [];

  beforeAll(async () => {
    const url = inject('mongodbUrl');
    dbName = uniqueName('indexes');
    client = new MongoClient(url, { monitorCommands: true });
    client.on('commandStarted', (event) => {
      if (event.commandName === 'find') finds.push(event.command);
    });
    store = await MongoDocumentStore.connect(url, dbName, { maxTimeMS: 5000, client });
    services = createServices(inProcessBackends(store, loadConfig({})), createLogger('silent'));
    await ensureIndexes(services);
    const customers: StoredDoc[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const id = newId();
      customerIds.push(id);
      customers.push({
        _id: id,
        lastName: `L${(i * 7919) % 10_007}`,
        firstName: `F${i % 500}`,
        age: 18 + (i % 70),
        email: `c${i}@indexes.example`,
        emailLower: `c${i}@indexes.example`,
        skills: i % 3 === 0 ? ['mongodb', 'graphql'] : ['redis'],
        addresses: [{ type: null, street: null, city: CITIES[i % CITIES.length], postalCode: null }],
        registeredAt: new Date(1_700_000_000_000 + i * 1000),
      });
    }
    await store.collection('customers').insertMany(customers);
    await store.collection('orders').insertMany(
      customerIds.map((customerId, i) => ({
        _id: newId(),
        number: `T-${i}`,
        seq: i,
        customerId,
        items: [],
        total: 0,
        placedAt: new Date(1_700_000_000_000 + i * 1000),
      })),
    );
  }, 120_000);
  afterAll(async () => {
    await store.dropDatabase();
    await store.close();
  });

  /** The plan of each `find` that `run` sends, asked of the server for that exact command. */
  const plansOf = async (
    run: () => Promise<unknown>,
  ): Promise<Array<{ command: Document; facts: PlanFacts }>> => {
    finds.length = 0;
    await run();
    const sent = [...finds];
    expect(sent.length).toBeGreaterThan(0);
    return Promise.all(
      sent.map(async (command) => {
        const find: Document = { find: command.find, filter: command.filter };
        for (const key of ['sort', 'limit'] as const) if (command[key] != null) find[key] = command[key];
        const explain = await client.db(dbName).command({ explain: find, verbosity: 'queryPlanner' });
        return { command, facts: factsOf(explain) };
      }),
    );
  };

  const customersList = (filter: CustomerFilter | null, orderBy: CustomerOrder[] | null = null) =>
    services.customers.list(filter, orderBy, { first: 20 });

  /** The index a list reads, or per collection for a call that reads several. */
  type Expected = string | Readonly<Record<string, string>>;
  const filtered: Array<[string, () => Promise<unknown>, Expected]> = [
    ['customers by last name', () => customersList({ lastName: { eq: 'L5' } }), 'lastName_id'],
    ['customers by last names', () => customersList({ lastName: { in: ['L5', 'L7'] } }), 'lastName_id'],
    ['customers by first name', () => customersList({ firstName: { eq: 'F5' } }), 'firstName_id'],
    ['customers by email', () => customersList({ email: { eq: 'C5@indexes.example' } }), 'email_unique'],
    ['customers by age range', () => customersList({ age: { gte: 30, lt: 32 } }), 'age_id'],
    ['customers by skill', () => customersList({ skills: { has: 'graphql' } }), 'skills'],
    ['customers by city', () => customersList({ city: 'Lyon' }), 'addresses_city'],
    [
      'customers by city and age, by last name (bench/growth.ts)',
      () =>
        customersList({ city: 'Lyon', age: { gte: 30, lt: 40 } }, [{ field: 'LAST_NAME', direction: 'ASC' }]),
      'addresses_city',
    ],
    ['customers in id order (no orderBy)', () => customersList(null), '_id_'],
    ['by-id reads (loaders)', () => services.customers.byIds([customerIds[7] ?? '']), '_id_'],
    [
      'orders of one customer',
      () => services.orders.list({ customerId: customerIds[3] }, { first: 20 }),
      'customer_placedAt_id',
    ],
    [
      "customers' first pages of orders (Customer.orders)",
      () => services.orders.firstPagesByCustomer(customerIds.slice(0, 5)),
      'customer_placedAt_id',
    ],
    [
      'orders placed in a window',
      () =>
        services.orders.list(
          { placedAfter: new Date(1_700_000_000_000), placedBefore: new Date(1_700_000_060_000) },
          { first: 20 },
        ),
      'placedAt',
    ],
    [
      'whether a customer has orders, stored or on their way',
      () => services.orders.customerOrders(customerIds[9] ?? ''),
      { orders: 'customer_placedAt_id', order_intents: 'customerId' },
    ],
  ];

  it.each(filtered)('%s: the plan reads its index', async (_name, run, index) => {
    for (const { command, facts } of await plansOf(run)) {
      const want = typeof index === 'string' ? index : index[String(command.find)];
      expect(want, `an index expected for ${String(command.find)}`).toBeDefined();
      expect([...facts.indexes]).toContain(want);
      expect(facts.collectionScan).toBe(false);
    }
  });

  it('the next page of a sorted list reads the sort index from the cursor on', async () => {
    const first = await customersList({ lastName: { startsWith: 'L1' } }, [
      { field: 'LAST_NAME', direction: 'DESC' },
    ]);
    const after = first.pageInfo.endCursor;
    expect(after).not.toBeNull();
    const plans = await plansOf(() =>
      services.customers.list(null, [{ field: 'LAST_NAME', direction: 'DESC' }], { first: 20, after }),
    );
    for (const { facts } of plans) expect([...facts.indexes]).toContain('lastName_id');
  });

  const sorted: Array<[CustomerOrder['field'], string, readonly string[]]> = [
    ['LAST_NAME', 'lastName_id', ['lastName', '_id']],
    ['FIRST_NAME', 'firstName_id', ['firstName', '_id']],
    ['AGE', 'age_id', ['age', '_id']],
    ['EMAIL', 'email_unique', ['emailLower']],
    ['REGISTERED_AT', 'registeredAt_id', ['registeredAt', '_id']],
  ];

  it.each(sorted)(
    'customers sorted by %s: %s exists; the plan walks it, or sorts on this server',
    async (field, name, keys) => {
      const indexes = await client.db(dbName).collection('customers').listIndexes().toArray();
      expect(Object.keys(indexes.find((i) => i.name === name)?.key ?? {})).toEqual(keys);
      for (const direction of ['ASC', 'DESC'] as const) {
        for (const { command, facts } of await plansOf(() => customersList(null, [{ field, direction }]))) {
          // The sort the service sends is the index's keys, in one direction: one index serves both.
          const sign = direction === 'ASC' ? 1 : -1;
          const sent = command.sort instanceof Map ? Object.fromEntries(command.sort) : command.sort;
          expect(sent).toEqual(Object.fromEntries(keys.map((k) => [k, sign])));
          if (facts.postgres) expect(facts.sorts).toBe(true);
          else
            expect({ index: [...facts.indexes], sorts: facts.sorts }).toEqual({
              index: [name],
              sorts: false,
            });
        }
      }
    },
  );

  it('orders newest first: placedAt exists; the plan walks it, or sorts on this server', async () => {
    for (const { command, facts } of await plansOf(() => services.orders.list(null, { first: 20 }))) {
      const sent = command.sort instanceof Map ? Object.fromEntries(command.sort) : command.sort;
      expect(sent).toEqual({ placedAt: -1, _id: -1 });
      if (facts.postgres) expect(facts.sorts).toBe(true);
      else
        expect({ index: [...facts.indexes], sorts: facts.sorts }).toEqual({
          index: ['placedAt'],
          sorts: false,
        });
    }
  });

  it('every declared index is on the server with its keys', async () => {
    for (const [collection, declared] of Object.entries(INDEXES)) {
      if (!['customers', 'orders'].includes(collection)) continue;
      const onServer = await client.db(dbName).collection(collection).listIndexes().toArray();
      for (const spec of declared) {
        const found = onServer.find((i) => i.name === spec.name);
        expect(found?.key).toEqual(Object.fromEntries(spec.keys));
        expect(found?.unique === true).toBe('unique' in spec && spec.unique === true);
      }
    }
  });
});
