import DataLoader from 'dataloader';
import type { Services } from './services/index.js';
import { type Viewed, viewCountKey } from './services/views.js';

type Customer = Awaited<ReturnType<Services['customers']['byIds']>>[number];
type Product = Awaited<ReturnType<Services['products']['byIds']>>[number];
type OrdersPage = Awaited<ReturnType<Services['orders']['firstPagesByCustomer']>>[number];

/**
 * Per-request loaders: one batch per tick for each kind of read, so a list of N orders costs
 * the same few queries as a list of one. Created fresh for every request context, each on first
 * use: most contexts (an idle subscription's, a mutation's) never read through one. A class, so
 * the getters live once on the prototype: an object literal with getters held four closures and a
 * dictionary of properties per context, ~0.8 KiB of every idle subscription (bench/idle-heap.ts).
 */
export class Loaders {
  #customer: DataLoader<string, Customer> | undefined;
  #product: DataLoader<string, Product> | undefined;
  #customerOrders: DataLoader<string, OrdersPage> | undefined;
  #viewCount: DataLoader<Viewed, number, string> | undefined;

  constructor(private readonly services: Services) {}

  get customer(): DataLoader<string, Customer> {
    this.#customer ??= new DataLoader((ids: readonly string[]) => this.services.customers.byIds(ids));
    return this.#customer;
  }

  get product(): DataLoader<string, Product> {
    this.#product ??= new DataLoader((ids: readonly string[]) => this.services.products.byIds(ids));
    return this.#product;
  }

  get customerOrders(): DataLoader<string, OrdersPage> {
    this.#customerOrders ??= new DataLoader((ids: readonly string[]) =>
      this.services.orders.firstPagesByCustomer(ids),
    );
    return this.#customerOrders;
  }

  get viewCount(): DataLoader<Viewed, number, string> {
    this.#viewCount ??= new DataLoader<Viewed, number, string>(
      (viewed) => this.services.views.counts(viewed),
      {
        cacheKeyFn: viewCountKey,
      },
    );
    return this.#viewCount;
  }
}

export function createLoaders(services: Services): Loaders {
  return new Loaders(services);
}
