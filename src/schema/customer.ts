import type { Address as AddressShape, Customer as CustomerShape } from '../services/customers.js';
import { builder } from './builder.js';
import { connectionOf } from './connection.js';
import { CustomerFilter, CustomerOrder } from './customer-filter.js';

export const Address = builder.objectRef<AddressShape>('Address').implement({
  fields: (t) => ({
    type: t.exposeString('type', { nullable: true, description: 'home, work...' }),
    street: t.exposeString('street', { nullable: true }),
    city: t.exposeString('city'),
    postalCode: t.exposeString('postalCode', { nullable: true }),
  }),
});

export const Customer = builder.objectRef<CustomerShape>('Customer').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    lastName: t.exposeString('lastName'),
    firstName: t.exposeString('firstName'),
    age: t.exposeInt('age', { nullable: true }),
    email: t.exposeString('email'),
    skills: t.exposeStringList('skills'),
    addresses: t.field({ type: [Address], resolve: (c) => c.addresses }),
    registeredAt: t.expose('registeredAt', {
      type: 'DateTime',
      description: 'Set by the server (ISO-8601, UTC).',
    }),
    viewCount: t.int({
      nullable: true,
      description:
        'How many times this customer was read with `customer(id)`; null (with a SERVICE_UNAVAILABLE error) while the counters are unreachable.',
      resolve: (c, _args, ctx) => ctx.loaders.viewCount.load({ kind: 'customer', id: c.id }),
    }),
  }),
});

export const CustomerConnection = connectionOf('Customer', Customer);

const AddressInput = builder.inputType('AddressInput', {
  fields: (t) => ({
    type: t.string(),
    street: t.string(),
    city: t.string({ required: true }),
    postalCode: t.string(),
  }),
});

export const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  fields: (t) => ({
    lastName: t.string({ required: true }),
    firstName: t.string({ required: true }),
    email: t.string({ required: true, description: 'Unique, compared without case.' }),
    age: t.int({ description: '0..150' }),
    skills: t.stringList({ description: 'Default empty.' }),
    addresses: t.field({ type: [AddressInput], description: 'Default empty.' }),
  }),
});

export const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  description: 'A patch: fields left out keep their value; `age: null` clears the age.',
  fields: (t) => ({
    lastName: t.string(),
    firstName: t.string(),
    email: t.string(),
    age: t.int(),
    skills: t.stringList(),
    addresses: t.field({ type: [AddressInput] }),
  }),
});

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
