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

interface ProductDoc extends StoredDoc {
  name: string;
  price: number;
  stock: number;
  tags: string[];
  createdAt: Date;
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

  /**
   * Takes `quantity` of the product's stock if it has that much, with one conditional decrement
   * (atomic per document on every backend), and returns its price; null when the stock is short.
   * The caller forgets the product from the shared cache (`forget`) once its stock moved.
   */
  async reserve(id: string, quantity: number): Promise<{ price: number } | null> {
    const product = await this.products.findOneAndUpdate(
      { _id: id, stock: { $gte: quantity } },
      { $inc: { stock: -quantity } },
    );
    return product === null ? null : { price: product.price };
  }

  /** Gives back stock taken by `reserve`. */
  async release(id: string, quantity: number): Promise<void> {
    await this.products.findOneAndUpdate({ _id: id }, { $inc: { stock: quantity } });
  }

  /** Drops the products from the shared cache, in one round trip, after their stock moved. */
  forget(ids: readonly string[]): Promise<void> {
    return this.cache.invalidate(PRODUCTS, ids);
  }
}
