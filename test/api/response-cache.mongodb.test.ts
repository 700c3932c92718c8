import { describe, expect, it } from 'vitest';
import {
  CreateCustomerDocument,
  CustomersDocument,
  UpdateCustomerDocument,
} from '../generated/operations.js';
import { makeApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';
import { CACHED, responseCacheSuite } from './response-cache.suite.js';

responseCacheSuite('mongodb');

describe('response cache shared by instances (Redis)', () => {
  it('serves one instance what another cached, and a write on one is never read old on the other', async () => {
    const shared = { ...CACHED, MONGODB_DB: uniqueName('rc'), REDIS_PREFIX: `${uniqueName('rc')}:` };
    const a = await makeApp('mongodb', shared);
    const b = await makeApp('mongodb', shared);
    try {
      const user = await a.signIn('USER');
      const lastName = uniqueName('Shared');
      const page = { first: 5, filter: { lastName: { eq: lastName } } };
      const names = async (app: typeof a) =>
        (await app.run(CustomersDocument, page, user)).data?.customers.edges.map((e) => e.node.firstName);
      const created = await a.run(
        CreateCustomerDocument,
        { input: { lastName, firstName: 'Dan', email: `${lastName}@example.com` } },
        user,
      );
      expect(await names(a)).toEqual(['Dan']);
      // b's services never run the list: the answer comes from what a cached in Redis.
      const calls: unknown[] = [];
      const list = b.services.customers.list.bind(b.services.customers);
      b.services.customers.list = (...args: Parameters<typeof list>) => {
        calls.push(args);
        return list(...args);
      };
      expect(await names(b)).toEqual(['Dan']);
      expect(calls).toHaveLength(0);
      await a.run(
        UpdateCustomerDocument,
        { id: created.data?.createCustomer.id ?? '', input: { firstName: 'Dana' } },
        user,
      );
      expect(await names(b)).toEqual(['Dana']);
      expect(calls).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
