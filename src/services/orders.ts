import { z } from 'zod';
import type { DocumentCollection, DocumentStore, Filter, StoredDoc } from '../datasources/ports/documents.js';
import { ConflictError, DuplicateKeyError, NotFoundError, UnavailableError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type CrashPoint, noCrash } from './crash-points.js';
import type { CustomerService } from './customers.js';
import { allOf } from './filters.js';
import { isId, newId } from './ids.js';
import { INDEXES } from './indexes.js';
import {
  type IntentDoc,
  type OrderDoc,
  OrderIntents,
  type OrderItem,
  type PlacedIntent,
} from './order-intents.js';
import { encodeCursor, type Page, type PageArgs, pageSize, paginate } from './pagination.js';
import type { ProductService } from './products.js';
import { id, parseInput } from './validation.js';

export type { OrderItem } from './order-intents.js';

export interface Order {
  id: string;
  number: string;
  customerId: string;
  items: OrderItem[];
  total: number;
  placedAt: Date;
}

interface SequenceDoc extends StoredDoc {
  value: number;
}

const placeInput = z.object({
  customerId: id,
  items: z
    .array(
      z.object({
        productId: id,
        quantity: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be >= 1')
          .max(1_000_000, 'at most 1000000'),
      }),
    )
    .min(1, 'must not be empty')
    .max(100, 'at most 100 items')
    .refine(
      (items) => new Set(items.map((i) => i.productId)).size === items.length,
      'each product at most once',
    ),
});

export type PlaceOrderInput = z.input<typeof placeInput>;

const filterInput = z.object({
  customerId: z.string().max(64).nullish(),
  placedAfter: z.date().nullish(),
  placedBefore: z.date().nullish(),
});
export type OrderFilter = z.input<typeof filterInput>;

export const ORDERS = 'orders';
const SEQUENCES = 'sequences';
/** What every start writes before any data: a restore takes a target holding only this as empty. */
export const START_DOCUMENTS: Readonly<Record<string, Filter>> = { [SEQUENCES]: { _id: ORDERS, value: 0 } };
/** Newest first; the id (an ObjectId, increasing with time) breaks ties. */
const NEWEST_FIRST = [
  ['placedAt', -1],
  ['_id', -1],
] as const;

function toOrder(doc: OrderDoc): Order {
  return {
    id: doc._id,
    number: doc.number,
    customerId: doc.customerId,
    items: doc.items,
    total: doc.total,
    placedAt: doc.placedAt,
  };
}

/** Sums without binary-float noise (19.99 x 3 is 59.97, not 59.970000000000006). */
function orderTotal(items: readonly OrderItem[]): number {
  const sum = items.reduce((acc, i) => acc + i.unitPrice * i.quantity, 0);
  return Math.round(sum * 1e6) / 1e6;
}

export class OrderService {
  private readonly orders: DocumentCollection<OrderDoc>;
  private readonly sequences: DocumentCollection<SequenceDoc>;
  readonly intents: OrderIntents;

  constructor(
    store: DocumentStore,
    private readonly customers: CustomerService,
    private readonly products: ProductService,
    private readonly logger: Logger,
    /** The test hook DOCGATE_CRASH_AT; nothing in production. */
    private readonly crash: CrashPoint = noCrash,
  ) {
    this.orders = store.collection<OrderDoc>(ORDERS);
    this.sequences = store.collection<SequenceDoc>(SEQUENCES);
    this.intents = new OrderIntents(store);
  }

  async ensureIndexes(): Promise<void> {
    await this.orders.ensureIndexes(INDEXES.orders);
    await this.intents.ensureIndexes();
    await this.products.ensureIndexes();
    await this.ensureSequence();
  }

  /**
   * Creates the order sequence at start, so no order ever races to create it (two first-ever
   * upserts can both insert, and one fails with a duplicate key). A plain insert that loses to
   * another instance's is a duplicate `_id`, which just means it exists. A store that has orders
   * but lost its sequence (a partial restore) starts after the highest number it holds.
   */
  async ensureSequence(): Promise<void> {
    if ((await this.sequences.findOne({ _id: ORDERS })) !== null) return;
    const [last] = await this.orders.find({}, { sort: [['seq', -1]], limit: 1 });
    await this.sequences.insertOne({ _id: ORDERS, value: last?.seq ?? 0 }).catch((error: unknown) => {
      if (!(error instanceof DuplicateKeyError)) throw error;
    });
  }

  /**
   * Places an order without multi-document transactions, in steps a crash can stop anywhere:
   * 1. the intent (customer, items) is recorded, pending;
   * 2. the customer is checked after that record, so a concurrent delete sees one or the other;
   * 3. each item's stock is taken with a conditional decrement that records a hold naming the
   *    intent on the product, in the same write (never below zero, never without a record);
   * 4. the intent is confirmed, with its number, prices and total: from here the order is placed;
   * 5. the order is stored, the holds dropped, the intent removed.
   * A failure before 4 gives back what was taken; a crash before 4 leaves holds that the sweeper
   * gives back once the intent is ORDER_PENDING_SECONDS old, and after 4 the sweeper stores the
   * order. Every product whose stock moved leaves the shared cache before the answer.
   */
  async place(raw: PlaceOrderInput): Promise<Order> {
    const input = parseInput(placeInput, raw, 'input');
    const known = await this.products.known(input.items.map((i) => i.productId));
    const missing = input.items.findIndex((i) => !known.has(i.productId));
    if (missing >= 0)
      throw new NotFoundError('no product with this id', { field: `input.items.${missing}.productId` });

    const intent: IntentDoc = {
      _id: newId(),
      state: 'pending',
      customerId: input.customerId,
      items: input.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
      touchedAt: new Date(),
    };
    await this.intents.open(intent);
    await this.crash('order-after-intent');
    const taken: OrderItem[] = [];
    let placed: PlacedIntent | null = null;
    try {
      const customer = await this.customers.placeable(input.customerId);
      if (customer === 'missing')
        throw new NotFoundError('no customer with this id', { field: 'input.customerId' });
      if (customer === 'deleting')
        throw new ConflictError('this customer is being deleted', { field: 'input.customerId' });
      for (const [index, item] of intent.items.entries()) {
        const product = await this.products.reserve(item.productId, item.quantity, intent._id);
        if (product === null) {
          throw new ConflictError('not enough stock for this product', {
            field: `input.items.${index}.quantity`,
          });
        }
        taken.push({ productId: item.productId, quantity: item.quantity, unitPrice: product.price });
        if (taken.length === 1) await this.crash('order-after-first-reserve');
      }
      await this.crash('order-after-reserve');
      const seq = await this.nextSequence();
      placed = await this.intents.confirm(intent._id, {
        number: `ORD-${String(seq).padStart(6, '0')}`,
        seq,
        customerId: intent.customerId,
        items: taken,
        total: orderTotal(taken),
        placedAt: new Date(),
      });
      if (placed === null) {
        // Only a sweeper cancels a pending intent, and only one untouched for ORDER_PENDING_SECONDS.
        throw new UnavailableError('the order took too long and was withdrawn; try again');
      }
    } catch (error) {
      await this.abandon(intent);
      throw error;
    } finally {
      await this.products.forget(taken.map((i) => i.productId));
    }
    await this.crash('order-after-confirm');
    return toOrder(await this.complete(placed));
  }

  /**
   * Stores a confirmed intent's order, drops its holds and removes the intent: each step can be
   * run again (by the sweeper, after a crash) with the same result.
   */
  async complete(intent: PlacedIntent): Promise<OrderDoc> {
    const doc: OrderDoc = { _id: intent._id, ...intent.order };
    try {
      await this.orders.insertOne(doc);
    } catch (error) {
      // Stored already, by an earlier run of this step; any other duplicate (a number) is a fault.
      if (!(error instanceof DuplicateKeyError) || (await this.orders.findOne({ _id: doc._id })) === null)
        throw error;
    }
    await this.crash('order-after-insert');
    await this.products.settle(
      doc.items.map((i) => i.productId),
      doc._id,
    );
    await this.crash('order-after-settle');
    await this.intents.remove(doc._id, true);
    return doc;
  }

  /**
   * Cancels an intent that failed before it was confirmed and gives its stock back, unless it was
   * confirmed after all (a confirmation that reached the store but not its answer): that one is
   * the sweeper's to store. Every item is given back, not only those known taken: a take can
   * reach the store and fail on the way back, and a release finds no hold where none was taken.
   */
  private async abandon(intent: IntentDoc): Promise<void> {
    try {
      const cancelled = await this.intents.cancel(intent._id);
      if (cancelled || !(await this.intents.exists(intent._id))) await this.withdraw(intent);
    } catch (error) {
      this.logger.error({ err: error, order: intent._id }, 'order not withdrawn; the sweeper will');
    }
  }

  /**
   * Gives back the stock an intent that will never be placed holds, and removes the intent. A hold
   * is given back by the write that removes it, so running this twice gives back once.
   */
  async withdraw(intent: Pick<IntentDoc, '_id' | 'items'>): Promise<void> {
    for (const item of intent.items) {
      try {
        await this.products.release(item.productId, intent._id, item.quantity);
      } catch (error) {
        // The hold stays on the product; the sweeper gives it back once it is old enough.
        this.logger.error(
          { err: error, productId: item.productId, quantity: item.quantity, order: intent._id },
          'stock compensation failed; the sweeper will give it back',
        );
      }
    }
    await this.crash('withdraw-after-release');
    await this.intents.remove(intent._id).catch((error: unknown) => {
      this.logger.error({ err: error, order: intent._id }, 'withdrawn order intent not removed');
    });
  }

  /**
   * The next order number: one shared sequence document, created at start, incremented with
   * `$inc` (atomic on MongoDB), so numbers are unique and increasing across instances.
   */
  private async nextSequence(): Promise<number> {
    const draw = () => this.sequences.findOneAndUpdate({ _id: ORDERS }, { $inc: { value: 1 } });
    let seq = await draw();
    if (seq === null) {
      // Removed while running (a restore with --drop): made again as at start.
      await this.ensureSequence();
      seq = await draw();
    }
    if (seq === null) throw new Error('the order sequence is missing');
    return seq.value;
  }

  async list(rawFilter: OrderFilter | null | undefined, args: PageArgs): Promise<Page<Order>> {
    const f = rawFilter == null ? {} : parseInput(filterInput, rawFilter, 'filter');
    const conditions: Filter[] = [];
    if (f.customerId != null) conditions.push({ customerId: isId(f.customerId) ? f.customerId : '' });
    if (f.placedAfter != null) conditions.push({ placedAt: { $gt: f.placedAfter } });
    if (f.placedBefore != null) conditions.push({ placedAt: { $lt: f.placedBefore } });
    return paginate(this.orders, allOf(conditions), NEWEST_FIRST, args, toOrder);
  }

  /**
   * First pages of several customers' orders in one query (the loader's batch): results in key
   * order, newest first, with each customer's total.
   */
  async firstPagesByCustomer(customerIds: readonly string[]): Promise<Array<{ orders: Order[] }>> {
    const valid = [...new Set(customerIds.filter(isId))];
    const docs =
      valid.length === 0
        ? []
        : await this.orders.find({ customerId: { $in: valid } }, { sort: NEWEST_FIRST });
    const byCustomer = new Map<string, Order[]>();
    for (const doc of docs) {
      const list = byCustomer.get(doc.customerId) ?? [];
      list.push(toOrder(doc));
      byCustomer.set(doc.customerId, list);
    }
    return customerIds.map((cid) => ({ orders: byCustomer.get(cid) ?? [] }));
  }

  /** A customer's first page from the loader's full list, with cursors that `list` accepts for the next pages. */
  firstPage(all: readonly Order[], first: number | null | undefined): Page<Order> {
    const size = pageSize(first);
    const edges = all
      .slice(0, size)
      .map((o) => ({ cursor: encodeCursor(NEWEST_FIRST, [o.placedAt, o.id]), node: o }));
    return {
      edges,
      pageInfo: {
        hasNextPage: all.length > size,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: async () => all.length,
    };
  }

  /** True when an order with this id is stored. */
  async isStored(orderId: string): Promise<boolean> {
    return (await this.orders.count({ _id: orderId })) > 0;
  }

  /**
   * Whether the customer has an order stored (`placed`), only orders on their way (`pending`), or
   * none. Stored orders are asked after intents: an intent is removed only after its order is
   * stored, so an order that leaves the first read is found by the second.
   */
  async customerOrders(customerId: string): Promise<'placed' | 'pending' | 'none'> {
    const pending = await this.intents.forCustomer(customerId);
    if ((await this.orders.findOne({ customerId })) !== null) return 'placed';
    return pending ? 'pending' : 'none';
  }
}
