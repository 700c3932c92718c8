import type { Logger } from '../logger.js';
import { type CrashPoint, noCrash } from './crash-points.js';
import type { PlacedIntent } from './order-intents.js';
import type { OrderService } from './orders.js';
import type { ProductService } from './products.js';

export interface SweepReport {
  /** Confirmed intents whose order this pass stored. */
  completed: number;
  /** Unconfirmed intents this pass cancelled, their stock given back. */
  withdrawn: number;
  /** Holds left on products by an order that was stored: dropped. */
  settled: number;
  /** Holds left on products by an order that never will be: stock given back. */
  released: number;
}

/** Intents (and products with holds) read per query. */
const BATCH = 100;

/**
 * Finishes what crashed or stalled instances left: every intent untouched for `pendingMs` is
 * taken over (a compare-and-set, so several instances sweeping at once each take a different
 * one) and completed when it was confirmed, withdrawn otherwise. Then holds older than that
 * whose intent is gone are dropped or given back, by whether their order was stored.
 */
export class OrderSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly orders: OrderService,
    private readonly products: ProductService,
    private readonly options: { pendingMs: number; everyMs: number },
    private readonly logger: Logger,
    private readonly crash: CrashPoint = noCrash,
  ) {}

  /** Sweeps now, then every `everyMs`; the timer does not keep the process alive. */
  start(): void {
    const run = () => {
      this.running = this.running.then(() =>
        this.sweep().then(
          (report) => {
            const level = Object.values(report).some((n) => n > 0) ? 'info' : 'debug';
            this.logger[level]({ sweep: report }, 'orders swept');
          },
          (error: unknown) => this.logger.error({ err: error }, 'order sweep failed'),
        ),
      );
    };
    run();
    this.timer = setInterval(run, this.options.everyMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way. */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async sweep(): Promise<SweepReport> {
    const report: SweepReport = { completed: 0, withdrawn: 0, settled: 0, released: 0 };
    const before = new Date(Date.now() - this.options.pendingMs);
    const intents = this.orders.intents;
    for (;;) {
      const stale = await intents.stale(before, BATCH);
      for (const seen of stale) {
        const claimed = await intents.claim(seen);
        if (claimed === null) continue;
        await this.crash('sweep-after-claim');
        try {
          if (claimed.state === 'placed') {
            await this.orders.complete(claimed as PlacedIntent);
            report.completed++;
          } else {
            await this.orders.withdraw(claimed);
            await this.products.forget(claimed.items.map((i) => i.productId));
            report.withdrawn++;
          }
        } catch (error) {
          // Claimed just now, so it is tried again a pending period later.
          this.logger.error({ err: error, order: claimed._id }, 'order intent not finished');
        }
      }
      // Each claimed intent was touched, so the next read moves on; a short read is the last.
      if (stale.length < BATCH) break;
    }
    for (const product of await this.products.withHoldsBefore(before, BATCH)) {
      for (const hold of product.holds) {
        // An intent still there is swept above once it is old enough: it decides for its holds.
        if (await intents.exists(hold.order)) continue;
        if (await this.orders.isStored(hold.order)) {
          await this.products.settle([product.id], hold.order);
          report.settled++;
        } else if (await this.products.release(product.id, hold.order, hold.quantity)) {
          await this.products.forget([product.id]);
          report.released++;
        }
      }
    }
    return report;
  }
}
