import { z } from 'zod';
import type { DocumentCollection, DocumentStore, Filter, StoredDoc } from '../datasources/ports/documents.js';
import { ConflictError, DuplicateKeyError, NotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CustomerService } from './customers.js';
import { allOf } from './filters.js';
import { isId, newId } from './ids.js';
import { INDEXES } from './indexes.js';
import { encodeCursor, type Page, type PageArgs, pageSize, paginate } from './pagination.js';
import type { ProductService } from './products.js';
import { id, parseInput } from './validation.js';

export interface OrderItem {
  productId: string;
  quantity: number;
  unitPrice: number;
}

export interface Order {
  id: string;
  number: string;
  customerId: string;
  items: OrderItem[];
  total: number;
  placedAt: Date;
}

interface OrderDoc extends StoredDoc {
  number: string;
  seq: number;
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

  constructor(
    store: DocumentStore,
    private readonly customers: CustomerService,
    private readonly products: ProductService,
    private readonly logger: Logger,
  ) {
    this.orders = store.collection<OrderDoc>(ORDERS);
    this.sequences = store.collection<SequenceDoc>(SEQUENCES);
  }

  async ensureIndexes(): Promise<void> {
    await this.orders.ensureIndexes(INDEXES.orders);
  }

  /**
   * Places an order without multi-document transactions: each item's stock is taken with a
   * conditional decrement (`stock >= quantity`), and when a later item cannot be served the
   * items already taken are given back, so stock never goes below zero and no order half-applies.
   * Every product whose stock moved leaves the shared cache before the answer, order or not.
   */
  async place(raw: PlaceOrderInput): Promise<Order> {
    const input = parseInput(placeInput, raw, 'input');
    if (!(await this.customers.exists(input.customerId))) {
      throw new NotFoundError('no customer with this id', { field: 'input.customerId' });
    }
    const known = await this.products.known(input.items.map((i) => i.productId));
    const missing = input.items.findIndex((i) => !known.has(i.productId));
    if (missing >= 0)
      throw new NotFoundError('no product with this id', { field: `input.items.${missing}.productId` });

    const taken: OrderItem[] = [];
    try {
      for (const [index, item] of input.items.entries()) {
        const product = await this.products.reserve(item.productId, item.quantity);
        if (product === null) {
          throw new ConflictError('not enough stock for this product', {
            field: `input.items.${index}.quantity`,
          });
        }
        taken.push({ productId: item.productId, quantity: item.quantity, unitPrice: product.price });
      }
      const doc = await this.insertNumbered(input.customerId, taken);
      return toOrder(doc);
    } catch (error) {
      await this.giveBack(taken);
      throw error;
    } finally {
      await this.products.forget(taken.map((i) => i.productId));
    }
  }

  /**
   * Numbers come from one shared sequence document (`$inc`, atomic on MongoDB), so they are unique
   * and increasing across instances. The unique index on `number` is the backstop: a server whose
   * `$inc` is not atomic under concurrency (FerretDB 1.x) can hand out a number twice, and the
   * loser draws again instead of failing the order.
   */
  private async insertNumbered(customerId: string, items: OrderItem[]): Promise<OrderDoc> {
    for (let attempt = 1; ; attempt++) {
      const seq = await this.nextSequence();
      const doc: OrderDoc = {
        _id: newId(),
        number: `ORD-${String(seq.value).padStart(6, '0')}`,
        seq: seq.value,
        customerId,
        items,
        total: orderTotal(items),
        placedAt: new Date(),
      };
      try {
        await this.orders.insertOne(doc);
        return doc;
      } catch (error) {
        // The id is fresh, so a duplicate can only be the number (FerretDB does not say which key).
        if (!(error instanceof DuplicateKeyError) || attempt >= 5) throw error;
      }
    }
  }

  /**
   * The next order sequence value. Two first-ever upserts can race to create the sequence
   * document and one gets a duplicate key (MongoDB documents this for upserts); the document then
   * exists, so the loser simply increments it.
   */
  private async nextSequence(): Promise<SequenceDoc> {
    const draw = () =>
      this.sequences.findOneAndUpdate({ _id: ORDERS }, { $inc: { value: 1 } }, { upsert: true });
    const seq = await draw().catch((error: unknown) => {
      if (error instanceof DuplicateKeyError) return draw();
      throw error;
    });
    if (seq === null) throw new Error('order sequence upsert returned nothing');
    return seq;
  }

  private async giveBack(taken: readonly OrderItem[]): Promise<void> {
    for (const item of taken) {
      try {
        await this.products.release(item.productId, item.quantity);
      } catch (error) {
        // Nothing else can restore it now; the log is what an operator reconciles from.
        this.logger.error(
          { err: error, productId: item.productId, quantity: item.quantity },
          'stock compensation failed',
        );
      }
    }
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

  async customerHasOrders(customerId: string): Promise<boolean> {
    return (await this.orders.findOne({ customerId })) !== null;
  }
}
