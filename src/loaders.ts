import DataLoader from 'dataloader';
import type { Services } from './services/index.js';
import { type Viewed, viewCountKey } from './services/views.js';

/**
 * Per-request loaders: one batch per tick for each kind of read, so a list of N orders costs
 * the same few queries as a list of one. Created fresh for every request context, each on first
 * use: most contexts (an idle subscription's, a mutation's) never read through one, and four
 * DataLoaders per context were a large part of what an idle subscription held.
 */
export function createLoaders(services: Services) {
  let customer: DataLoader<string, Awaited<ReturnType<Services['customers']['byIds']>>[number]> | undefined;
  let product: DataLoader<string, Awaited<ReturnType<Services['products']['byIds']>>[number]> | undefined;
  let customerOrders:
    | DataLoader<string, Awaited<ReturnType<Services['orders']['firstPagesByCustomer']>>[number]>
    | undefined;
  let viewCount: DataLoader<Viewed, number, string> | undefined;
  return {
    get customer() {
      customer ??= new DataLoader((ids: readonly string[]) => services.customers.byIds(ids));
      return customer;
    },
    get product() {
      product ??= new DataLoader((ids: readonly string[]) => services.products.byIds(ids));
      return product;
    },
    get customerOrders() {
      customerOrders ??= new DataLoader((ids: readonly string[]) =>
        services.orders.firstPagesByCustomer(ids),
      );
      return customerOrders;
    },
    get viewCount() {
      viewCount ??= new DataLoader<Viewed, number, string>((viewed) => services.views.counts(viewed), {
        cacheKeyFn: viewCountKey,
      });
      return viewCount;
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
