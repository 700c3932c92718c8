import type { Product as ProductShape } from '../services/products.js';
import { builder } from './builder.js';

export const Product = builder.objectRef<ProductShape>('Product').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    price: t.exposeFloat('price'),
    stock: t.exposeInt('stock'),
    tags: t.exposeStringList('tags'),
    viewCount: t.int({
      // Counters live in Redis: while it is unreachable the product still answers, this field is null.
      nullable: true,
      description:
        'How many times `recordProductView` was called for this product; null (with a SERVICE_UNAVAILABLE error) while the counters are unreachable.',
      resolve: (product, _args, ctx) => ctx.loaders.viewCount.load({ kind: 'product', id: product.id }),
    }),
  }),
});

export const CreateProductInput = builder.inputType('CreateProductInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    price: t.float({ required: true, description: '>= 0' }),
    stock: t.int({ description: '>= 0, default 0' }),
    tags: t.stringList(),
  }),
});

builder.queryFields((t) => ({
  product: t.field({
    type: Product,
    nullable: true,
    description: '`null` for an id that names nothing, malformed ids included.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.loaders.product.load(String(id)),
  }),
}));

builder.mutationFields((t) => ({
  createProduct: t.field({
    authScopes: { admin: true },
    type: Product,
    args: { input: t.arg({ type: CreateProductInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.products.create(input),
  }),
  recordProductView: t.int({
    description: 'Counts a view of the product and returns the new count.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const views = await ctx.services.products.recordView(String(id));
      const viewed = { kind: 'product', id: String(id) } as const;
      ctx.loaders.viewCount.clear(viewed).prime(viewed, views);
      return views;
    },
  }),
}));
