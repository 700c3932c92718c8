import type { DocumentStore, StoredDoc } from '../../src/datasources/ports/documents.js';
import { newId } from '../../src/services/ids.js';
import type { Services } from '../../src/services/index.js';

/** The read-path data: `orders` orders, each from its own customer, each with `items` products. */
export interface OrdersSpec {
  orders: number;
  products: number;
  items: number;
}

export interface OrdersData {
  customerIds: string[];
  productIds: string[];
}

/** Placed through the services (validation, stock, order numbers), so documents are the real ones. */
export async function seedOrders(services: Services, spec: OrdersSpec): Promise<OrdersData> {
  const productIds: string[] = [];
  for (let i = 0; i < spec.products; i++) {
    const product = await services.products.create({
      name: `Product ${i}`,
      price: 10 + (i % 90),
      stock: 1_000_000_000,
      tags: ['bench', `group-${i % 5}`],
    });
    productIds.push(product.id);
  }
  const customerIds: string[] = [];
  for (let i = 0; i < spec.orders; i++) {
    const customer = await services.customers.create({
      lastName: `Last${i}`,
      firstName: `First${i}`,
      email: `bench${i}@example.test`,
      age: 20 + (i % 60),
      addresses: [{ city: CITIES[i % CITIES.length] ?? 'Paris' }],
    });
    customerIds.push(customer.id);
    const items: Array<{ productId: string; quantity: number }> = [];
    for (let k = 0; k < spec.items; k++) {
      const productId = productIds[(i * spec.items + k) % productIds.length];
      if (productId !== undefined && !items.some((it) => it.productId === productId))
        items.push({ productId, quantity: 1 + (k % 3) });
    }
    await services.orders.place({ customerId: customer.id, items });
  }
  return { customerIds, productIds };
}

export const CITIES = ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nice', 'Nantes', 'Lille', 'Bordeaux'];

/**
 * Customer documents written straight to the store in batches (the growth scenario's millions
 * would take hours through validation one by one). Same fields as `CustomerService.create` writes.
 */
export async function insertCustomers(
  store: DocumentStore,
  from: number,
  count: number,
  /** Documents per insertMany: bounded, so neither side holds a whole million at once. */
  batch = 1000,
  onBatch?: (done: number) => void,
): Promise<string[]> {
  if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new Error(`bad batch: ${batch}`);
  const collection = store.collection<StoredDoc>('customers');
  const ids: string[] = [];
  for (let start = from; start < from + count; start += batch) {
    const docs: StoredDoc[] = [];
    for (let i = start; i < Math.min(start + batch, from + count); i++) {
      const id = newId();
      ids.push(id);
      const email = `growth${i}@example.test`;
      docs.push({
        _id: id,
        lastName: `Last${(i * 7919) % 100_003}`,
        firstName: `First${i % 1000}`,
        age: 18 + (i % 70),
        email,
        emailLower: email,
        skills: i % 3 === 0 ? ['mongodb', 'graphql'] : ['redis'],
        addresses: [
          {
            type: 'home',
            street: `${i} rue Bench`,
            city: CITIES[i % CITIES.length] ?? 'Paris',
            postalCode: null,
          },
        ],
        registeredAt: new Date(1_700_000_000_000 + i * 1000),
      } as StoredDoc);
    }
    await collection.insertMany(docs);
    onBatch?.(start + docs.length - from);
  }
  return ids;
}
