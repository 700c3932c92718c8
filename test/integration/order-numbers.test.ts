import { MongoClient, ObjectId } from 'mongodb';
import { describe, expect, inject, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';
import { postGraphql, runEntry } from '../helpers/processes.js';

describe('order numbers across instances', () => {
  it('are unique, and increasing in placement order, when two instances place orders at once', async () => {
    const db = uniqueName('orders');
    const a = await makeApp('mongodb', { MONGODB_DB: db });
    const b = await makeApp('mongodb', { MONGODB_DB: db });
    try {
      const customer = await a.services.customers.create({
        lastName: 'N',
        firstName: 'N',
        email: 'n@n.example',
      });
      const product = await a.services.products.create({ name: 'P', price: 1, stock: 100 });
      const placeFive = async (t: TestApp) => {
        const numbers: string[] = [];
        for (let i = 0; i < 5; i++) {
          const order = await t.services.orders.place({
            customerId: customer.id,
            items: [{ productId: product.id, quantity: 1 }],
          });
          numbers.push(order.number);
        }
        return numbers;
      };
      const [fromA, fromB] = await Promise.all([placeFive(a), placeFive(b)]);
      for (const numbers of [fromA, fromB]) expect([...numbers].sort()).toEqual(numbers);
      expect(new Set([...fromA, ...fromB]).size).toBe(10);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('order numbers across 10 gateway processes', () => {
  it('are unique when 10 processes start on an empty database and race their first orders', async () => {
    const db = uniqueName('seq');
    const url = inject('mongodbUrl');
    // Straight into the store, so the order sequence is left for the 10 processes to create at start.
    const client = new MongoClient(url);
    const customerId = new ObjectId().toHexString();
    const productId = new ObjectId().toHexString();
    try {
      await client.connect();
      const store = client.db(db);
      await store.collection<{ _id: string; [field: string]: unknown }>('customers').insertOne({
        _id: customerId,
        lastName: 'N',
        firstName: 'N',
        email: 'n@n.example',
        emailLower: 'n@n.example',
        skills: [],
        addresses: [],
        registeredAt: new Date(),
      });
      await store
        .collection<{ _id: string; [field: string]: unknown }>('products')
        .insertOne({ _id: productId, name: 'P', price: 1, stock: 1000, tags: [], createdAt: new Date() });
    } finally {
      await client.close();
    }
    const env = {
      NODE_ENV: 'test',
      PORT: '0',
      MONGODB_URL: url,
      MONGODB_DB: db,
      RATE_LIMIT_POINTS: '1000000',
    };
    const gateways = Array.from({ length: 10 }, () => runEntry('src/main.ts', env));
    try {
      const bases = await Promise.all(
        gateways.map(async (g) => {
          const line = await g.waitFor(/"url":"http:\/\/127\.0\.0\.1:\d+\/graphql"/, 120_000);
          return /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0] ?? '';
        }),
      );
      const tokens = await Promise.all(
        bases.map(async (base) => {
          const r = await postGraphql<{ register: { token: string } }>(
            base,
            `mutation { register(input: { email: "${uniqueName('u')}@example.test", password: "correct horse battery" }) { token } }`,
          );
          return r.data?.register.token ?? '';
        }),
      );
      const order = `mutation { placeOrder(input: { customerId: "${customerId}", items: [{ productId: "${productId}", quantity: 1 }] }) { number } }`;
      const results = await Promise.all(
        bases.flatMap((base, i) =>
          Array.from({ length: 3 }, () =>
            postGraphql<{ placeOrder: { number: string } }>(base, order, tokens[i]),
          ),
        ),
      );
      const numbers = results.map((r) => r.data?.placeOrder.number ?? JSON.stringify(r.errors)).sort();
      expect(numbers).toEqual(Array.from({ length: 30 }, (_, i) => `ORD-${String(i + 1).padStart(6, '0')}`));
    } finally {
      await Promise.all(gateways.map((g) => g.stop()));
    }
  }, 300_000);
});
