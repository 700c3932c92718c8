import { z } from 'zod';
import type { Counters } from '../datasources/ports/counters.js';
import type { DocumentCollection, DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import { NotFoundError } from '../errors.js';
import { isId, newId } from './ids.js';
import type { SharedCache } from './shared-cache.js';
import { parseInput, text } from './validation.js';

export interface Product {
  id: string;
  name: string;
  price: number;
  stock: number;
  tags: string[];
}

export interface ProductDoc extends StoredDoc {
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

export function toProduct(doc: ProductDoc): Product {
  return { id: doc._id, name: doc.name, price: doc.price, stock: doc.stock, tags: doc.tags };
}

export class ProductService {
  readonly products: DocumentCollection<ProductDoc>;

  constructor(
    store: DocumentStore,
    private readonly counters: Counters,
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
    return this.counters.increment(`product:${id}:views`);
  }
}
