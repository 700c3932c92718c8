import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryDocumentCache } from '../../src/datasources/memory/cache.js';
import type { DocumentCache } from '../../src/datasources/ports/cache.js';
import { RedisDocumentCache } from '../../src/datasources/redis/cache.js';
import { createLogger } from '../../src/logger.js';
import { SharedCache } from '../../src/services/shared-cache.js';
import {
  CustomerDocument,
  DeleteCustomerDocument,
  PlaceOrderDocument,
  ProductDocument,
  UpdateCustomerDocument,
} from '../generated/operations.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';
import { openTestRedis, type TestRedis } from '../helpers/redis.js';

describe('shared cache across two instances over one MongoDB and one Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const shared = { MONGODB_DB: uniqueName('cache'), REDIS_PREFIX: `${uniqueName('cache')}:` };
    a = await makeApp('mongodb', shared, { signedInAs: 'ADMIN' });
    b = await makeApp('mongodb', shared, { signedInAs: 'ADMIN' });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  const customerInput = () => ({
    lastName: 'Martin',
    firstName: 'Zoé',
    email: `${uniqueName('z')}@x.test`,
    age: 41,
    skills: ['go', 'sql'],
    addresses: [{ type: 'home', street: '1 rue A', city: 'Lyon', postalCode: '69001' }],
  });

  it('serves a second read from the cache, with every value as the store has it', async () => {
    const created = await a.services.customers.create(customerInput());
    const before = b.services.cache.stats();
    const [fromStore] = await a.services.customers.byIds([created.id]);
    const [fromCache] = await b.services.customers.byIds([created.id]);
    expect(b.services.cache.stats().hits - before.hits).toBe(1);
    expect(fromCache).toEqual(fromStore);
    expect(fromCache).toEqual(created);
    expect(fromCache?.registeredAt).toBeInstanceOf(Date);
  });

  it('never returns the old customer after an update or a delete, on the other instance', async () => {
    const created = await a.services.customers.create(customerInput());
    await b.run(CustomerDocument, { id: created.id }); // cached now
    const updated = await a.run(UpdateCustomerDocument, {
      id: created.id,
      input: { lastName: 'Bernard', age: null },
    });
    expect(updated.errors).toBeUndefined();
    const read = await b.run(CustomerDocument, { id: created.id });
    expect(read.data?.customer).toMatchObject({ lastName: 'Bernard', age: null, skills: ['go', 'sql'] });

    expect(await a.run(DeleteCustomerDocument, { id: created.id })).toEqual({
      data: { deleteCustomer: true },
    });
    expect((await b.run(CustomerDocument, { id: created.id })).data?.customer).toBeNull();
  });

  it('shows the stock an order left, and the stock a refused order gave back, on the other instance', async () => {
    const customer = await a.services.customers.create(customerInput());
    const lamp = await a.services.products.create({ name: 'Lamp', price: 10, stock: 10 });
    const chair = await a.services.products.create({ name: 'Chair', price: 30, stock: 1 });
    expect((await b.run(ProductDocument, { id: lamp.id })).data?.product?.stock).toBe(10);
    expect((await b.run(ProductDocument, { id: chair.id })).data?.product?.stock).toBe(1);

    const order = await a.run(PlaceOrderDocument, {
      input: {
        customerId: customer.id,
        items: [
          { productId: lamp.id, quantity: 3 },
          { productId: chair.id, quantity: 1 },
        ],
      },
    });
    expect(order.errors).toBeUndefined();
    expect((await b.run(ProductDocument, { id: lamp.id })).data?.product?.stock).toBe(7);
    expect((await b.run(ProductDocument, { id: chair.id })).data?.product?.stock).toBe(0);

    // Lamp is taken, then Chair is out: Lamp is given back, and no instance may see 5.
    const refused = await a.run(PlaceOrderDocument, {
      input: {
        customerId: customer.id,
        items: [
          { productId: lamp.id, quantity: 2 },
          { productId: chair.id, quantity: 1 },
        ],
      },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await b.run(ProductDocument, { id: lamp.id })).data?.product?.stock).toBe(7);
    expect((await a.run(ProductDocument, { id: lamp.id })).data?.product?.stock).toBe(7);
  });
});

/** A store read that returns when the test says so. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

for (const backend of ['embedded', 'redis'] as const) {
  describe(`SharedCache over the ${backend} cache`, () => {
    let redis: TestRedis | undefined;
    let port: DocumentCache;
    beforeAll(async () => {
      redis = backend === 'redis' ? await openTestRedis() : undefined;
      port =
        redis === undefined ? new MemoryDocumentCache() : new RedisDocumentCache(redis.redis, redis.prefix);
    });
    afterAll(async () => {
      await redis?.close();
    });

    it('does not put back a document that a write changed while it was being read', async () => {
      const cache = new SharedCache(port, 60, createLogger('silent'));
      let stored = { id: 'd1', version: 1 };
      const slow = gate();
      const reading = cache.byIds(
        'docs',
        ['d1'],
        async () => {
          const seen = stored; // the store answers with the old version...
          await slow.opened; // ...and the answer is slow to come back
          return [seen];
        },
        (d) => d.id,
      );
      await vi.waitFor(() => expect(port.stats().misses).toBeGreaterThan(0));
      stored = { id: 'd1', version: 2 };
      await cache.invalidate('docs', ['d1']);
      slow.open();
      expect((await reading).get('d1')).toEqual({ id: 'd1', version: 1 });

      const load = vi.fn(async () => [stored]);
      expect((await cache.byIds('docs', ['d1'], load, (d) => d.id)).get('d1')).toEqual({
        id: 'd1',
        version: 2,
      });
      expect(load).toHaveBeenCalledTimes(1); // the old version was not cached
      expect((await cache.byIds('docs', ['d1'], load, (d) => d.id)).get('d1')).toEqual({
        id: 'd1',
        version: 2,
      });
      expect(load).toHaveBeenCalledTimes(1); // the new one was
    });

    it('loads only the misses of a batch, once each, and never caches a missing id', async () => {
      const cache = new SharedCache(port, 60, createLogger('silent'));
      const load = vi.fn(async (ids: string[]) => ids.filter((id) => id !== 'none').map((id) => ({ id })));
      await cache.byIds('batch', ['x1'], load, (d) => d.id);
      const found = await cache.byIds('batch', ['x1', 'x2', 'x2', 'none'], load, (d) => d.id);
      expect([...found.keys()].sort()).toEqual(['x1', 'x2']);
      expect(load.mock.calls).toEqual([[['x1']], [['x2', 'none']]]);
      await cache.byIds('batch', ['none'], load, (d) => d.id);
      expect(load.mock.calls.at(-1)).toEqual([['none']]);
    });
  });
}
