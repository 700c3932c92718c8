import { ConflictError } from '../errors.js';
import type { Services } from '../services/index.js';
import { demoCustomers, demoProducts } from './demo-data.js';

/**
 * Loads the demo customers, products and two orders. Customers already there (same email) are
 * kept, so running it twice adds no duplicate customers.
 */
export async function loadDemoData(
  services: Services,
): Promise<{ customers: number; products: number; orders: number }> {
  const customers = [];
  for (const input of demoCustomers) {
    try {
      customers.push(await services.customers.create(input));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  if (customers.length === 0) return { customers: 0, products: 0, orders: 0 };
  const products = [];
  for (const input of demoProducts) products.push(await services.products.create(input));
  const [dupont, martin] = customers;
  const [, souris, clavier, tapis] = products;
  let orders = 0;
  if (dupont && souris && clavier) {
    await services.orders.place({
      customerId: dupont.id,
      items: [
        { productId: souris.id, quantity: 1 },
        { productId: clavier.id, quantity: 1 },
      ],
    });
    orders += 1;
  }
  if (martin && tapis) {
    await services.orders.place({ customerId: martin.id, items: [{ productId: tapis.id, quantity: 1 }] });
    orders += 1;
  }
  return { customers: customers.length, products: products.length, orders };
}
