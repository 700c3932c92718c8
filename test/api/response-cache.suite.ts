import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CreateCustomerDocument,
  CustomerDocument,
  CustomersDocument,
  DeleteCustomerDocument,
  UpdateCustomerDocument,
} from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

export const CACHED = { RESPONSE_CACHE_TTL_SECONDS: '60' };

/** The response cache through the app on one backend: hits, roles, view counts, writes then reads. */
export function responseCacheSuite(backend: BackendName): void {
  describe(`response cache (${backend})`, () => {
    let t: TestApp;
    let user: Record<string, string>;
    let admin: Record<string, string>;
    beforeAll(async () => {
      t = await makeApp(backend, CACHED);
      user = await t.signIn('USER');
      admin = await t.signIn('ADMIN');
    });
    afterAll(async () => {
      await t.close();
    });

    const page = (lastName: string) => ({ first: 5, filter: { lastName: { eq: lastName } } });
    const names = async (lastName: string, headers: Record<string, string>) => {
      const result = await t.run(CustomersDocument, page(lastName), headers);
      expect(result.errors).toBeUndefined();
      return result.data?.customers.edges.map((e) => e.node.firstName) ?? [];
    };

    it('answers a repeated query from the cache, per role, without running it again', async () => {
      const lastName = uniqueName('Hit');
      await t.services.customers.create({ lastName, firstName: 'Ana', email: `${lastName}@example.com` });
      const list = vi.spyOn(t.services.customers, 'list');
      try {
        expect(await names(lastName, user)).toEqual(['Ana']);
        expect(await names(lastName, await t.signIn('USER'))).toEqual(['Ana']);
        expect(list).toHaveBeenCalledTimes(1);
        expect(await names(lastName, admin)).toEqual(['Ana']);
        expect(list).toHaveBeenCalledTimes(2);
        // Anonymous callers are refused this field: an error is never cached, nor served to others.
        const anonymous = await t.run(CustomersDocument, page(lastName), {});
        expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      } finally {
        list.mockRestore();
      }
    });

    it('never returns the old result after a create, an update or a delete', async () => {
      const lastName = uniqueName('Write');
      expect(await names(lastName, user)).toEqual([]);
      const created = await t.run(
        CreateCustomerDocument,
        { input: { lastName, firstName: 'Bea', email: `${lastName}@example.com` } },
        user,
      );
      const id = created.data?.createCustomer.id ?? '';
      expect(await names(lastName, user)).toEqual(['Bea']);
      await t.run(UpdateCustomerDocument, { id, input: { firstName: 'Bee' } }, user);
      expect(await names(lastName, user)).toEqual(['Bee']);
      await t.run(DeleteCustomerDocument, { id }, admin);
      expect(await names(lastName, user)).toEqual([]);
    });

    it('counts every read of customer(id): that field is not cached', async () => {
      const lastName = uniqueName('Views');
      const customer = await t.services.customers.create({
        lastName,
        firstName: 'C',
        email: `${lastName}@example.com`,
      });
      const counts = [];
      for (let i = 0; i < 3; i++) {
        const read = await t.run(CustomerDocument, { id: customer.id }, user);
        counts.push(read.data?.customer?.viewCount);
      }
      expect(counts).toEqual([1, 2, 3]);
    });
  });
}
