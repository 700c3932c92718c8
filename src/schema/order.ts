import type { OrderItem as OrderItemShape, Order as OrderShape } from '../services/orders.js';
import { builder } from './builder.js';
import { connectionOf } from './connection.js';
import { Customer } from './customer.js';
import { Product } from './product.js';

export const OrderItem = builder.objectRef<OrderItemShape>('OrderItem').implement({
  fields: (t) => ({
    quantity: t.exposeInt('quantity'),
    unitPrice: t.exposeFloat('unitPrice', { description: "The product's price when the order was placed." }),
    product: t.field({
      type: Product,
      nullable: true,
      resolve: (item, _args, ctx) => ctx.loaders.product.load(item.productId),
    }),
  }),
});

export const Order = builder.objectRef<OrderShape>('Order').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    number: t.exposeString('number', { description: 'Unique and increasing: ORD-000001, ORD-000002...' }),
    total: t.exposeFloat('total'),
    placedAt: t.expose('placedAt', { type: 'DateTime' }),
    items: t.field({ type: [OrderItem], resolve: (order) => order.items }),
    customer: t.field({
      type: Customer,
      nullable: true,
      resolve: (order, _args, ctx) => ctx.loaders.customer.load(order.customerId),
    }),
  }),
});

export const OrderConnection = connectionOf('Order', Order);

export const OrderFilter = builder.inputType('OrderFilter', {
  fields: (t) => ({
    customerId: t.id(),
    placedAfter: t.field({ type: 'DateTime' }),
    placedBefore: t.field({ type: 'DateTime' }),
  }),
});

const OrderItemInput = builder.inputType('OrderItemInput', {
  fields: (t) => ({
    productId: t.id({ required: true }),
    quantity: t.int({ required: true, description: '>= 1' }),
  }),
});

export const PlaceOrderInput = builder.inputType('PlaceOrderInput', {
  fields: (t) => ({
    customerId: t.id({ required: true }),
    items: t.field({ type: [OrderItemInput], required: true }),
  }),
});

// Declared here rather than in customer.ts so that customer.ts need not import orders.
builder.objectField(Customer, 'orders', (t) =>
  t.field({
    type: OrderConnection,
    description: "This customer's orders, newest first.",
    args: { first: t.arg.int(), after: t.arg.string() },
    resolve: async (customer, args, ctx) => {
      if (args.after != null) return ctx.services.orders.list({ customerId: customer.id }, args);
      const { orders } = await ctx.loaders.customerOrders.load(customer.id);
      return ctx.services.orders.firstPage(orders, args.first);
    },
  }),
);

builder.queryFields((t) => ({
  orders: t.field({
    authScopes: { user: true },
    type: OrderConnection,
    description: 'Newest first.',
    args: { filter: t.arg({ type: OrderFilter }), first: t.arg.int(), after: t.arg.string() },
    resolve: (_root, args, ctx) =>
      ctx.services.orders.list(
        args.filter && { ...args.filter, customerId: args.filter.customerId?.toString() },
        args,
      ),
  }),
}));

builder.mutationFields((t) => ({
  placeOrder: t.field({
    authScopes: { user: true },
    type: Order,
    description: 'Takes the stock of every item or none: an order that cannot be served whole is CONFLICT.',
    args: { input: t.arg({ type: PlaceOrderInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.orders.place({
        customerId: String(input.customerId),
        items: input.items.map((i) => ({ productId: String(i.productId), quantity: i.quantity })),
      }),
  }),
}));
