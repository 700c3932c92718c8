/**
 * The operations of the client contract (shared/contract operations.graphql and next.graphql):
 * the only operation names `/metrics` labels by (test/unit/known-operations.test.ts keeps the
 * list equal to the contract's).
 */
export const KNOWN_OPERATIONS: ReadonlySet<string> = new Set([
  'CreateCustomer',
  'UpdateCustomer',
  'DeleteCustomer',
  'Customer',
  'Customers',
  'CustomerStatsByCity',
  'CreateProduct',
  'Product',
  'RecordProductView',
  'PlaceOrder',
  'Orders',
  'CustomerOrders',
  'Register',
  'Login',
  'Logout',
  'LogoutAll',
  'ChangePassword',
  'Me',
  'RateLimit',
  'SubmitScore',
  'IncrementScore',
  'Leaderboard',
  'ResetLeaderboard',
  'LeaderboardUpdated',
  'LeaderboardUpdatedAfter',
  'EnqueueJob',
  'Job',
  'QueueCounts',
  'JobUpdated',
  'JobUpdatedAfter',
  'OnlineUsers',
  'ServerStats',
]);

/**
 * An operation name as a metric label: a known one as it is, none as `Anonymous`, any other as
 * `other`. Labels by client-chosen names made one series per name: 5,000 names, 31 MiB.
 */
export function operationLabel(name: string | undefined): string {
  if (name === undefined || name === '' || name === 'Anonymous') return 'Anonymous';
  return KNOWN_OPERATIONS.has(name) ? name : 'other';
}
