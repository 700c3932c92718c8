import type { GraphQLFormattedError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredDoc } from '../../src/datasources/ports/documents.js';
import type { CustomerFilter } from '../../src/services/customer-filter.js';
import { CUSTOMERS } from '../../src/services/customers.js';
import { CustomersDocument, ProductDocument } from '../generated/operations.js';
import { makeApp, type TestApp } from '../helpers/app.js';

const codeOf = (errors: readonly GraphQLFormattedError[] | undefined) => errors?.[0]?.extensions?.code;

const DOCUMENTS = 2_000;

/** 400 `contains` terms that match nothing, so every one is tested against every document. */
const slowFilter: CustomerFilter = {
  or: Array.from({ length: 20 }, (_, a) => ({
    or: Array.from({ length: 20 }, (_, b) => ({ lastName: { contains: `zq${a}x${b}` } })),
  })),
};

async function seed(t: TestApp): Promise<void> {
  const docs = Array.from({ length: DOCUMENTS }, (_, i) => ({
    _id: i.toString(16).padStart(24, '0'),
    lastName: `Martin${i}`,
    firstName: 'Jeanne',
    email: `c${i}@example.test`,
    emailLower: `c${i}@example.test`,
    skills: [],
    addresses: [],
    registeredAt: new Date(0),
  }));
  await t.backends.documents.collection<StoredDoc>(CUSTOMERS).insertMany(docs);
}

describe('embedded store query budget', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers /health while a slow filtered query runs', { timeout: 180_000 }, async () => {
    t = await makeApp('embedded', { QUERY_TIMEOUT_MS: '600000' }, { signedInAs: 'USER' });
    await seed(t);
    const customers = t.backends.documents.collection<StoredDoc>(CUSTOMERS);
    const order: string[] = [];
    const find = customers.find.bind(customers);
    let started: () => void = () => undefined;
    const scanning = new Promise<void>((resolve) => {
      started = resolve;
    });
    // Records when the store has finished the scan, whatever the GraphQL layers do afterwards.
    customers.find = (...args) => {
      started();
      const found = find(...args);
      void found.then(() => order.push('scan done'));
      return found;
    };
    const query = t.run(CustomersDocument, { filter: slowFilter, first: 5 });
    await scanning;
    const health = await t.app.fetch('http://docgate.test/health');
    order.push('health answered');
    const result = await query;
    expect(health.status).toBe(200);
    expect(result.errors).toBeUndefined();
    expect(order).toEqual(['health answered', 'scan done']);
  });

  it('fails a query past QUERY_TIMEOUT_MS with SERVICE_UNAVAILABLE, as maxTimeMS does on MongoDB', async () => {
    t = await makeApp('embedded', { QUERY_TIMEOUT_MS: '1' }, { signedInAs: 'USER' });
    await seed(t);
    const result = await t.run(CustomersDocument, { filter: slowFilter, first: 5 });
    expect(codeOf(result.errors)).toBe('SERVICE_UNAVAILABLE');
    // A read that needs no long scan still answers under the same budget.
    const byId = await t.run(ProductDocument, { id: '0'.repeat(24) });
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.product).toBeNull();
  });
});
