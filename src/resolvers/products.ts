import { builder } from '../schema/builder.js';
import { CreateProductInput, Product } from '../schema/product.js';

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
