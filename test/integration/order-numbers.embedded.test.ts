import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createBackends } from '../../src/datasources/index.js';
import type { StoredDoc } from '../../src/datasources/ports/documents.js';
import { createLogger } from '../../src/logger.js';
import { createServices, ensureIndexes } from '../../src/services/index.js';

const INSTANCES = 10;

describe('order numbers on the embedded store', () => {
  it('are unique when 10 service instances start and place their first orders at once', async () => {
    const logger = createLogger('silent');
    const backends = await createBackends(
      loadConfig({ DATA_DIR: ':memory:', SEED_DEMO_DATA: 'false', NODE_ENV: 'test' }),
      logger,
    );
    try {
      const instances = Array.from({ length: INSTANCES }, () => createServices(backends, logger));
      await Promise.all(instances.map((services) => ensureIndexes(services)));
      // The sequence exists before any order: no order creates it.
      const sequences = backends.documents.collection<StoredDoc & { value: number }>('sequences');
      expect(await sequences.find({})).toEqual([{ _id: 'orders', value: 0 }]);

      const [first] = instances;
      if (first === undefined) throw new Error('no instance');
      const customer = await first.customers.create({ lastName: 'N', firstName: 'N', email: 'n@n.example' });
      const product = await first.products.create({ name: 'P', price: 1, stock: 1000 });
      const placed = await Promise.all(
        instances.flatMap((services) =>
          Array.from({ length: 3 }, () =>
            services.orders.place({
              customerId: customer.id,
              items: [{ productId: product.id, quantity: 1 }],
            }),
          ),
        ),
      );
      const numbers = placed.map((o) => o.number).sort();
      expect(numbers).toEqual(
        Array.from({ length: 3 * INSTANCES }, (_, i) => `ORD-${String(i + 1).padStart(6, '0')}`),
      );
    } finally {
      await backends.close();
    }
  });
});
