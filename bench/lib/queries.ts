import { print } from 'graphql';
import {
  CustomerDocument,
  CustomersDocument,
  EnqueueJobDocument,
  LeaderboardUpdatedDocument,
  OrdersDocument,
  PlaceOrderDocument,
  ProductDocument,
  SubmitScoreDocument,
  UpdateCustomerDocument,
} from '../../test/generated/operations.js';

/** The contract's operations (test/api/contract/), as clients send them. */
export const ORDERS = print(OrdersDocument);
export const CUSTOMERS = print(CustomersDocument);
export const CUSTOMER = print(CustomerDocument);
export const SUBMIT_SCORE = print(SubmitScoreDocument);
export const LEADERBOARD_UPDATED = print(LeaderboardUpdatedDocument);
export const ENQUEUE_JOB = print(EnqueueJobDocument);
export const PLACE_ORDER = print(PlaceOrderDocument);
export const PRODUCT = print(ProductDocument);
export const UPDATE_CUSTOMER = print(UpdateCustomerDocument);

/** `count` products in one request: one loader batch (the contract reads one at a time). */
export function productsById(count: number): string {
  const vars = Array.from({ length: count }, (_v, i) => `$id${i}: ID!`).join(', ');
  const fields = Array.from(
    { length: count },
    (_v, i) => `p${i}: product(id: $id${i}) { id name price stock tags }`,
  );
  return `query Products(${vars}) {\n  ${fields.join('\n  ')}\n}`;
}
