import { z } from 'zod';
import type { DocumentCollection, DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import { NotFoundError } from '../errors.js';
import { isId, newId } from './ids.js';
import type { SharedCache } from './shared-cache.js';
import { parseInput, text } from './validation.js';
import type { ViewCounts } from './views.js';

export interface Product {
  id: string;
  name: string;
  price: number;
  stock: number;
  tags: string[];
}

/** Stock taken by an order that is not placed yet: recorded on the product in the same write as the take. */
export interface Hold {
  order: string;
  quantity: number;
  at: Date;
}

interface ProductDoc extends StoredDoc {
  name: string;
  price: number;
  stock: number;
  tags: string[];
  createdAt: Date;
  /** Absent until a first order takes stock; empty once every taking order is settled. */
  holds?: Hold[];
}

const createInput = z.object({
  name: text(200),
  price: z.number().finite().min(0, 'must be >= 0').max(1e9, 'at most 1e9'),
  stock: z.number().int('must be a whole number').min(0, 'must be >= 0').max(1e9, 'at most 1e9').nullish(),
  tags: z.array(text(50)).max(20, 'at most 20 tags').nullish(),
});

export type CreateProductInput = z.input<typeof createInput>;

export const PRODUCTS = 'products';

function toProduct(doc: ProductDoc): Product {
  return { id: doc._id, name: doc.name, price: doc.price, stock: doc.stock, tags: doc.tags };
}

export class ProductService {
  readonly products: DocumentCollection<ProductDoc>;

  constructor(
    store: DocumentStore,
    private readonly views: ViewCounts,
    private readonly cache: SharedCache,
  ) {
    this.products = store.collection<ProductDoc>(PRODUCTS);
  }

  async create(raw: CreateProductInput): Promise<Product> {
    const input = parseInput(createInput, raw);
    const doc: ProductDoc = {
      _id: newId(),
      name: input.name,
      price: input.price,
      stock: input.stock ?? 0,
      tags: input.tags ?? [],
      createdAt: new Date(),
    };
    await this.products.insertOne(doc);
    return toProduct(doc);
  }

  /** Batch read for loaders, through the shared cache: results in key order, null for a missing id. */
  async byIds(ids: readonly string[]): Promise<Array<Product | null>> {
    const byId = await this.cache.byIds(
      PRODUCTS,
      ids.filter(isId),
      async (missing) => (await this.products.find({ _id: { $in: missing } })).map(toProduct),
      (product) => product.id,
    );
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Counts a view; the count lives in the counters backend, never written to the document per view. */
  async recordView(id: string): Promise<number> {
    const exists = isId(id) && (await this.products.count({ _id: id })) === 1;
    if (!exists) throw new NotFoundError('no product with this id', { field: 'id' });
    return this.views.record({ kind: 'product', id });
  }

  /** The ids among `ids` that name a product. */
  async known(ids: readonly string[]): Promise<Set<string>> {
    const valid = ids.filter(isId);
    if (valid.length === 0) return new Set();
    return new Set((await this.products.find({ _id: { $in: valid } })).map((p) => p._id));
  }

  /** The index the order sweeper's look for forgotten holds uses. */
  async ensureIndexes(): Promise<void> {
    await this.products.ensureIndexes([{ name: 'holds_at', keys: [['holds.at', 1]] }]);
  }

  /**
   * Takes `quantity` of the product's stock for `order` if it has that much, and records the
   * hold, in one conditional write (atomic per document on every backend): the stock and the
   * record of who took it never part, so a crash leaves nothing the sweeper cannot account for.
   * An order holds a product at most once. Returns the price; null when the stock is short.
   * The caller forgets the product from the shared cache (`forget`) once its stock moved.
   */
  async reserve(id: string, quantity: number, order: string): Promise<{ price: number } | null> {
    const hold: Hold = { order, quantity, at: new Date() };
    const product = await this.products.findOneAndUpdate(
      { _id: id, stock: { $gte: quantity }, 'holds.order': { $ne: order } },
      { $inc: { stock: -quantity }, $push: { holds: hold } },
    );
    return product === null ? null : { price: product.price };
  }

  /** Gives back the stock `order` holds on the product, once: true when there was a hold. */
  async release(id: string, order: string, quantity: number): Promise<boolean> {
    const product = await this.products.findOneAndUpdate(
      { _id: id, 'holds.order': order },
      { $inc: { stock: quantity }, $pull: { holds: { order } } },
    );
    return product !== null;
  }

  /** Drops `order`'s holds, its stock kept: the order is stored and owns it now. */
  async settle(ids: readonly string[], order: string): Promise<void> {
    await this.products.updateMany(
      { _id: { $in: [...ids] }, 'holds.order': order },
      { $pull: { holds: { order } } },
    );
  }

  /** Products with a hold taken before `before`, at most `limit` of them. */
  async withHoldsBefore(before: Date, limit: number): Promise<Array<{ id: string; holds: Hold[] }>> {
    const docs = await this.products.find({ 'holds.at': { $lt: before } }, { limit });
    return docs.map((doc) => ({ id: doc._id, holds: (doc.holds ?? []).filter((h) => h.at < before) }));
  }

  /** Drops the products from the shared cache, in one round trip, after their stock moved. */
  forget(ids: readonly string[]): Promise<void> {
    return this.cache.invalidate(PRODUCTS, ids);
  }
}
