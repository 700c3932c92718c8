import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrashStep, loadConfig } from '../../src/config.js';
import { type Backends, createBackends } from '../../src/datasources/index.js';
import type { StoredDoc } from '../../src/datasources/ports/documents.js';
import { ConflictError, UnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { createServices, ensureIndexes, type Services } from '../../src/services/index.js';
import { OrderSweeper } from '../../src/services/order-sweeper.js';
import { type BackendName, envFor } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

/**
 * A stalled instance (its write held at a named step) that resumes after another instance's
 * sweeper took its order over: nothing is given back twice, nothing is stored twice.
 */
export function orderStallSuite(backend: BackendName): void {
  describe(`a stalled order or delete resuming after a takeover (${backend})`, () => {
    const logger = createLogger('silent');
    let backends: Backends;
    let held: { step: CrashStep; reached: () => void; release: Promise<void> } | null = null;
    let stalled: Services;
    let other: Services;
    let sweeper: OrderSweeper;

    /** Holds the stalled instance at `step` until the returned function is called. */
    function holdAt(step: CrashStep): { reached: Promise<void>; release: () => void } {
      let release = () => {};
      let reached = () => {};
      const reachedP = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const releaseP = new Promise<void>((resolve) => {
        release = resolve;
      });
      held = { step, reached, release: releaseP };
      return { reached: reachedP, release };
    }

    beforeAll(async () => {
      backends = await createBackends(loadConfig(envFor(backend, { ORDER_PENDING_SECONDS: '1' })), logger);
      stalled = createServices(backends, logger, async (step) => {
        if (held?.step !== step) return;
        const { reached, release } = held;
        held = null;
        reached();
        await release;
      });
      other = createServices(backends, logger);
      await ensureIndexes(other);
      // Everything touched before the sweep is abandoned: no waiting for a pending period.
      sweeper = new OrderSweeper(other.orders, other.products, { pendingMs: 0, everyMs: 60_000 }, logger);
    });
    afterAll(async () => {
      await backends.close();
    });

    async function setUp() {
      const customer = await other.customers.create({
        lastName: 'S',
        firstName: 'S',
        email: `${uniqueName('s')}@example.test`,
      });
      const a = await other.products.create({ name: 'A', price: 2, stock: 10 });
      const b = await other.products.create({ name: 'B', price: 3, stock: 10 });
      return { customer, a, b };
    }

    async function stockAndHolds(id: string) {
      const doc = await backends.documents
        .collection<StoredDoc & { stock: number; holds?: unknown[] }>('products')
        .findOne({ _id: id });
      return { stock: doc?.stock, holds: doc?.holds?.length ?? 0 };
    }

    /** Starts an order of `qa` of A and `qb` of B on the stalled instance, held at `step`. */
    async function placeHeld(step: CrashStep, qa: number, qb: number) {
      const { customer, a, b } = await setUp();
      const gate = holdAt(step);
      const placing = stalled.orders.place({
        customerId: customer.id,
        items: [
          { productId: a.id, quantity: qa },
          { productId: b.id, quantity: qb },
        ],
      });
      await gate.reached;
      // A sweep with no pending period takes what was touched before now: let the clock move on.
      await sleep(5);
      return { customer, a, b, placing, release: gate.release };
    }

    it('withdrawn while stalled mid-way: the resumed order fails and gives back what it took since', async () => {
      const { customer, a, b, placing, release } = await placeHeld('order-after-first-reserve', 2, 3);
      expect((await stockAndHolds(a.id)).stock).toBe(8);
      expect(await sweeper.sweep()).toMatchObject({ withdrawn: 1, completed: 0 });
      expect(await stockAndHolds(a.id)).toEqual({ stock: 10, holds: 0 });
      release();
      await expect(placing).rejects.toBeInstanceOf(UnavailableError);
      expect(await stockAndHolds(a.id)).toEqual({ stock: 10, holds: 0 });
      expect(await stockAndHolds(b.id)).toEqual({ stock: 10, holds: 0 });
      expect(await (await other.orders.list({ customerId: customer.id }, {})).totalCount()).toBe(0);
    });

    it('completed while stalled after its confirmation: stored once, with the answer the client gets', async () => {
      const { customer, a, b, placing, release } = await placeHeld('order-after-confirm', 1, 4);
      expect(await sweeper.sweep()).toMatchObject({ completed: 1, withdrawn: 0 });
      release();
      const order = await placing;
      const stored = await other.orders.list({ customerId: customer.id }, {});
      expect(stored.edges.map((e) => e.node)).toEqual([order]);
      expect(await stockAndHolds(a.id)).toEqual({ stock: 9, holds: 0 });
      expect(await stockAndHolds(b.id)).toEqual({ stock: 6, holds: 0 });
    });

    it('an order refuses a customer being deleted; a stale mark is cleared and voids its delete', async () => {
      const { customer, a } = await setUp();
      const input = { customerId: customer.id, items: [{ productId: a.id, quantity: 1 }] };
      const gate = holdAt('delete-after-mark');
      const deleting = stalled.customers.delete(customer.id);
      await gate.reached;
      await expect(other.orders.place(input)).rejects.toThrow(/being deleted/);
      // Past ORDER_PENDING_SECONDS the mark is a crashed delete's: an order takes it off.
      await sleep(1100);
      const order = await other.orders.place(input);
      gate.release();
      await expect(deleting).rejects.toBeInstanceOf(ConflictError);
      expect((await other.customers.byIds([customer.id]))[0]?.id).toBe(customer.id);
      expect((await other.orders.list({ customerId: customer.id }, {})).edges.map((e) => e.node.id)).toEqual([
        order.id,
      ]);
    });
  });
}
