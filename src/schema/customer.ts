import type { CustomerFilter as CustomerFilterShape } from '../services/customer-filter.js';
import type { Address as AddressShape, Customer as CustomerShape } from '../services/customers.js';
import { builder } from './builder.js';
import { connectionOf } from './connection.js';
import { IntFilter, ListFilter, SortDirection, StringFilter } from './filters.js';

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

export const CustomerFilter = builder.inputRef<CustomerFilterShape>('CustomerFilter').implement({
  fields: (t) => ({
    lastName: t.field({ type: StringFilter }),
    firstName: t.field({ type: StringFilter }),
    email: t.field({ type: StringFilter, description: 'Compared without case.' }),
    age: t.field({ type: IntFilter }),
    skills: t.field({ type: ListFilter }),
    city: t.string({ description: 'Matches a customer with an address in this city.' }),
    and: t.field({ type: [CustomerFilter] }),
    or: t.field({ type: [CustomerFilter] }),
    not: t.field({ type: CustomerFilter }),
  }),
});

const CustomerSortField = builder.enumType('CustomerSortField', {
  values: ['LAST_NAME', 'FIRST_NAME', 'AGE', 'EMAIL', 'REGISTERED_AT'] as const,
});

export const CustomerOrder = builder.inputType('CustomerOrder', {
  fields: (t) => ({
    field: t.field({ type: CustomerSortField, required: true }),
    direction: t.field({ type: SortDirection, defaultValue: 'ASC' }),
  }),
});

export const CityStats = builder
  .objectRef<{ city: string; customers: number; averageAge: number | null }>('CityStats')
  .implement({
    fields: (t) => ({
      city: t.exposeString('city'),
      customers: t.exposeInt('customers', {
        description: 'Distinct customers with an address in this city.',
      }),
      averageAge: t.exposeFloat('averageAge', {
        nullable: true,
        description: 'Mean age of those with an age.',
      }),
    }),
  });
