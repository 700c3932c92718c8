import type { Backends } from '../datasources/index.js';
import type { Counters } from '../datasources/ports.js';
import type { Logger } from '../logger.js';
import { CustomerService } from './customers.js';
import { OrderService } from './orders.js';
import { ProductService } from './products.js';

/** The domain services, built once over the backends and shared by every request. */
export interface Services {
  customers: CustomerService;
  products: ProductService;
  orders: OrderService;
  counters: Counters;
}

export function createServices(backends: Backends, logger: Logger): Services {
  return {
    customers: new CustomerService(backends.documents, backends.counters),
    products: new ProductService(backends.documents, backends.counters),
    orders: new OrderService(backends.documents, logger),
    counters: backends.counters,
  };
}

/** Ensures every index the services rely on (unique email, order numbers...). Run at start. */
export async function ensureIndexes(services: Services): Promise<void> {
  await services.customers.ensureIndexes();
  await services.orders.ensureIndexes();
}
