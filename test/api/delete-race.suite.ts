import { setTimeout as sleep } from 'node:timers/promises';
import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateCustomerDocument,
  CreateProductDocument,
  CustomerDocument,
  DeleteCustomerDocument,
  PlaceOrderDocument,
} from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

const codeOf = (errors: readonly GraphQLFormattedError[] | undefined) => errors?.[0]?.extensions?.code;

/**
 * deleteCustomer against many placeOrder for the same customer, all at once: either the delete is
 * CONFLICT and the customer has orders, or it is true and no order names the customer. Rounds start
 * the delete later and later among the orders.
 */
export function deleteRaceSuite(backend: BackendName): void {
  describe(`deleteCustomer racing placeOrder (${backend})`, () => {
    let t: TestApp;
    let user: Record<string, string> = {};
    let admin: Record<string, string> = {};
    let productId = '';

    beforeAll(async () => {
      t = await makeApp(backend);
      user = await t.signIn('USER');
      admin = await t.signIn('ADMIN');
      const product = await t.run(
        CreateProductDocument,
        { input: { name: 'race', price: 2, stock: 1_000_000 } },
        admin,
      );
      productId = product.data?.createProduct.id ?? '';
    });
    afterAll(async () => {
      await t.close();
    });

    it('never leaves an order whose customer is gone', async () => {
      const outcomes = { deleted: 0, refused: 0 };
      for (let round = 0; round < 12; round++) {
        const created = await t.run(
          CreateCustomerDocument,
          {
            input: { lastName: 'Race', firstName: String(round), email: `${uniqueName('race')}@example.com` },
          },
          user,
        );
        const customerId = created.data?.createCustomer.id ?? '';
        const place = () =>
          t.run(PlaceOrderDocument, { input: { customerId, items: [{ productId, quantity: 1 }] } }, user);
        // The delete starts among the orders (rounds 0-3), then a little later each round, so it
        // meets them at every stage.
        const early = Math.min(round, 4) * 3;
        const orders$ = Array.from({ length: early }, place);
        const remove = () => t.run(DeleteCustomerDocument, { id: customerId }, admin);
        const deletion$ = round < 4 ? remove() : null;
        orders$.push(...Array.from({ length: 12 - early }, place));
        if (round >= 4) await sleep(round - 4);
        const deleted = await (deletion$ ?? remove());
        const orders = await Promise.all(orders$);

        const placed = orders.filter((r) => r.data?.placeOrder);
        for (const r of orders.filter((r) => r.errors !== undefined))
          expect(['CONFLICT', 'NOT_FOUND']).toContain(codeOf(r.errors));
        const stored = await t.services.orders.list({ customerId }, { first: 100 });
        const storedCount = await stored.totalCount();
        expect(storedCount).toBe(placed.length);
        const customer = await t.run(CustomerDocument, { id: customerId }, user);
        if (deleted.data?.deleteCustomer === true) {
          outcomes.deleted++;
          expect(storedCount).toBe(0);
          expect(customer.data?.customer).toBeNull();
        } else {
          outcomes.refused++;
          expect(codeOf(deleted.errors)).toBe('CONFLICT');
          expect(storedCount).toBeGreaterThan(0);
          expect(customer.data?.customer?.id).toBe(customerId);
          // A refused delete takes its mark off: the customer takes orders again.
          expect((await place()).data?.placeOrder).toBeTruthy();
        }
      }
      // Both outcomes were met: the early deletes won, the late ones found orders.
      expect(outcomes.deleted).toBeGreaterThan(0);
      expect(outcomes.refused).toBeGreaterThan(0);
    });
  });
}
