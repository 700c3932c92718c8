import type { IndexSpec } from '../datasources/ports/documents.js';

type Keys = IndexSpec['keys'];
/** An index on `field` then `_id`: it serves a sort on the field (ties by id) both ways, and its filters. */
const sortable = (field: string, name = `${field}_id`): IndexSpec => ({
  name,
  keys: [
    [field, 1],
    ['_id', 1],
  ] satisfies Keys,
});

/**
 * Every index of every collection, declared once: both document stores ensure these lists at start
 * (`createIndexes` on MongoDB, idempotent; B+ trees on the embedded store), so each list the API
 * offers is served by an index on both (test/integration/mongo-indexes.test.ts asks MongoDB's
 * plan, test/unit/embedded-indexes.test.ts the embedded store's).
 */
export const INDEXES = {
  customers: [
    // Unique, so a sort by email is total without `_id` (services/customers.ts stops there).
    { name: 'email_unique', keys: [['emailLower', 1]], unique: true },
    sortable('lastName'),
    sortable('firstName'),
    sortable('age'),
    sortable('registeredAt'),
    { name: 'addresses_city', keys: [['addresses.city', 1]] },
    { name: 'skills', keys: [['skills', 1]] },
  ],
  orders: [
    {
      // One customer's orders, newest first: `orders(filter: { customerId })` and Customer.orders.
      name: 'customer_placedAt_id',
      keys: [
        ['customerId', 1],
        ['placedAt', -1],
        ['_id', -1],
      ],
    },
    { name: 'number_unique', keys: [['number', 1]], unique: true },
    {
      name: 'placedAt',
      keys: [
        ['placedAt', -1],
        ['_id', -1],
      ],
    },
  ],
  accounts: [{ name: 'email_unique', keys: [['emailLower', 1]], unique: true }],
  // The quota check counts one account's messages.
  outbox: [{ name: 'outbox_account', keys: [['accountId', 1]] }],
} as const satisfies Record<string, readonly IndexSpec[]>;
