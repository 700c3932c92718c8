import { describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

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
