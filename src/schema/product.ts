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
