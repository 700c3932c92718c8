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
      description: 'How many times `recordProductView` was called for this product.',
      resolve: (product, _args, ctx) => ctx.loaders.viewCount.load(`product:${product.id}:views`),
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
