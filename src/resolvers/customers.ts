import { builder } from '../schema/builder.js';
import {
  CityStats,
  CreateCustomerInput,
  Customer,
  CustomerConnection,
  CustomerFilter,
  CustomerOrder,
  UpdateCustomerInput,
} from '../schema/customer.js';

builder.queryFields((t) => ({
  customer: t.field({
    authScopes: { user: true },
    type: Customer,
    nullable: true,
    description: '`null` for an id that names nothing, malformed ids included. Each read counts a view.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const customer = await ctx.loaders.customer.load(String(id));
      if (customer === null) return null;
      const views = await ctx.services.customers.recordView(customer.id);
      ctx.loaders.viewCount.prime({ kind: 'customer', id: customer.id }, views);
      return customer;
    },
  }),
  customers: t.field({
    authScopes: { user: true },
    type: CustomerConnection,
    args: {
      filter: t.arg({ type: CustomerFilter }),
      orderBy: t.arg({ type: [CustomerOrder] }),
      first: t.arg.int({ description: 'Default 20, at most 100.' }),
      after: t.arg.string(),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.customers.list(
        args.filter,
        args.orderBy?.map((o) => ({ field: o.field, direction: o.direction ?? 'ASC' })),
        args,
      ),
  }),
  customerStatsByCity: t.field({
    authScopes: { user: true },
    type: [CityStats],
    description: 'One row per city, by customers descending then city ascending.',
    resolve: (_root, _args, ctx) => ctx.services.customers.statsByCity(),
  }),
}));

builder.mutationFields((t) => ({
  createCustomer: t.field({
    authScopes: { user: true },
    type: Customer,
    args: { input: t.arg({ type: CreateCustomerInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.customers.create(input),
  }),
  updateCustomer: t.field({
    authScopes: { user: true },
    type: Customer,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateCustomerInput, required: true }) },
    resolve: async (_root, { id, input }, ctx) => {
      const customer = await ctx.services.customers.update(String(id), input);
      ctx.loaders.customer.clear(customer.id).prime(customer.id, customer);
      return customer;
    },
  }),
  deleteCustomer: t.boolean({
    authScopes: { admin: true },
    description:
      '`true` when a customer was deleted, `false` when there was none; CONFLICT when it has orders.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const deleted = await ctx.services.customers.delete(String(id));
      ctx.loaders.customer.clear(String(id));
      return deleted;
    },
  }),
}));
