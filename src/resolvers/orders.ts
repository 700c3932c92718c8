import { builder } from '../schema/builder.js';
import { Order, OrderConnection, OrderFilter, PlaceOrderInput } from '../schema/order.js';

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
