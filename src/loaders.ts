import DataLoader from 'dataloader';
import type { Services } from './services/index.js';
import { type Viewed, viewCountKey } from './services/views.js';

/**
 * Per-request loaders: one batch per tick for each kind of read, so a list of N orders costs
 * the same few queries as a list of one. Created fresh for every request context.
 */
export function createLoaders(services: Services) {
  return {
    customer: new DataLoader((ids: readonly string[]) => services.customers.byIds(ids)),
    product: new DataLoader((ids: readonly string[]) => services.products.byIds(ids)),
    customerOrders: new DataLoader((ids: readonly string[]) => services.orders.firstPagesByCustomer(ids)),
    viewCount: new DataLoader<Viewed, number, string>((viewed) => services.views.counts(viewed), {
      cacheKeyFn: viewCountKey,
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
