import type { CustomerFilter as CustomerFilterShape } from '../services/customer-filter.js';
import { builder } from './builder.js';
import { IntFilter, ListFilter, SortDirection, StringFilter } from './filters.js';

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
