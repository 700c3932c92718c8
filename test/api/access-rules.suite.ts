import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/datasources/ports/sessions.js';
import type { Account } from '../../src/services/accounts.js';
import {
  CreateCustomerDocument,
  CreateProductDocument,
  CustomerDocument,
  CustomerOrdersDocument,
  CustomerStatsByCityDocument,
  CustomersDocument,
  DeleteCustomerDocument,
  EnqueueJobDocument,
  IncrementScoreDocument,
  JobDocument,
  LeaderboardDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  OnlineUsersDocument,
  OrdersDocument,
  PlaceOrderDocument,
  ProductDocument,
  QueueCountsDocument,
  RateLimitDocument,
  RecordProductViewDocument,
  RegisterDocument,
  ResetLeaderboardDocument,
  ServerStatsDocument,
  SubmitScoreDocument,
  UpdateCustomerDocument,
} from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

type Level = 'anyone' | 'USER' | 'ADMIN';
type Caller = 'anonymous' | Role;
type Headers = Record<string, string>;

const PASSWORD = 'correct horse battery';
const codes = (result: ExecutionResult<unknown>) => (result.errors ?? []).map((e) => e.extensions?.code);

/** What a caller gets for an operation that needs `level`: null when it may run it. */
function expected(level: Level, caller: Caller): 'UNAUTHENTICATED' | 'FORBIDDEN' | null {
  if (level === 'anyone') return null;
  if (caller === 'anonymous') return 'UNAUTHENTICATED';
  return level === 'ADMIN' && caller === 'USER' ? 'FORBIDDEN' : null;
}

/** Who may run each contract operation (anonymous, USER, ADMIN), through the app on one backend. */
export function accessRulesSuite(backend: BackendName): void {
  describe(`who may do what (${backend})`, () => {
    let t: TestApp;
    let customerId: string;
    let productId: string;
    let known: { email: string };
    const accounts = new Map<Role, Account>();

    beforeAll(async () => {
      t = await makeApp(backend);
      const customer = await t.services.customers.create({
        lastName: 'Rule',
        firstName: 'R',
        email: `${uniqueName('c')}@x.test`,
      });
      customerId = customer.id;
      productId = (await t.services.products.create({ name: 'Rule product', price: 2, stock: 1_000 })).id;
      known = { email: `${uniqueName('known')}@x.test` };
      await t.services.accounts.create({ email: known.email, password: PASSWORD }, 'USER');
      for (const role of ['USER', 'ADMIN'] as const)
        accounts.set(
          role,
          await t.services.accounts.create({ email: `${uniqueName(role)}@x.test`, password: PASSWORD }, role),
        );
    });
    afterAll(async () => {
      await t.close();
    });

    /** A fresh session per call, so that `logout` in one case does not end the next one's. */
    async function headersOf(caller: Caller): Promise<Headers> {
      const account = caller === 'anonymous' ? undefined : accounts.get(caller);
      if (account === undefined) return {};
      const { token } = await t.services.accounts.openSession(account);
      return { authorization: `Bearer ${token}` };
    }

    const cases: Array<
      [name: string, level: Level, call: (h: Headers) => Promise<ExecutionResult<unknown>>]
    > = [
      [
        'createCustomer',
        'USER',
        (h) =>
          t.run(
            CreateCustomerDocument,
            { input: { lastName: 'N', firstName: 'F', email: `${uniqueName('n')}@x.test` } },
            h,
          ),
      ],
      [
        'updateCustomer',
        'USER',
        (h) => t.run(UpdateCustomerDocument, { id: customerId, input: { age: 40 } }, h),
      ],
      [
        'deleteCustomer',
        'ADMIN',
        (h) => t.run(DeleteCustomerDocument, { id: '000000000000000000000000' }, h),
      ],
      ['customer', 'USER', (h) => t.run(CustomerDocument, { id: customerId }, h)],
      ['customers', 'USER', (h) => t.run(CustomersDocument, { first: 1 }, h)],
      ['customerStatsByCity', 'USER', (h) => t.run(CustomerStatsByCityDocument, {}, h)],
      ['customer orders', 'USER', (h) => t.run(CustomerOrdersDocument, { id: customerId, first: 1 }, h)],
      ['createProduct', 'ADMIN', (h) => t.run(CreateProductDocument, { input: { name: 'P', price: 1 } }, h)],
      ['product', 'anyone', (h) => t.run(ProductDocument, { id: productId }, h)],
      ['recordProductView', 'anyone', (h) => t.run(RecordProductViewDocument, { id: productId }, h)],
      [
        'placeOrder',
        'USER',
        (h) => t.run(PlaceOrderDocument, { input: { customerId, items: [{ productId, quantity: 1 }] } }, h),
      ],
      ['orders', 'USER', (h) => t.run(OrdersDocument, { first: 1 }, h)],
      [
        'register',
        'anyone',
        (h) =>
          t.run(RegisterDocument, { input: { email: `${uniqueName('r')}@x.test`, password: PASSWORD } }, h),
      ],
      ['login', 'anyone', (h) => t.run(LoginDocument, { email: known.email, password: PASSWORD }, h)],
      ['logout', 'USER', (h) => t.run(LogoutDocument, {}, h)],
      ['me and session', 'anyone', (h) => t.run(MeDocument, {}, h)],
      ['rateLimit', 'anyone', (h) => t.run(RateLimitDocument, {}, h)],
      [
        'leaderboard',
        'anyone',
        (h) => t.run(LeaderboardDocument, { board: 'rules', first: 3, player: 'p', radius: 1 }, h),
      ],
      [
        'submitScore',
        'USER',
        (h) => t.run(SubmitScoreDocument, { board: 'rules', player: 'p', score: 1 }, h),
      ],
      [
        'incrementScore',
        'USER',
        (h) => t.run(IncrementScoreDocument, { board: 'rules', player: 'p', by: 1 }, h),
      ],
      ['resetLeaderboard', 'ADMIN', (h) => t.run(ResetLeaderboardDocument, { board: 'rules' }, h)],
      [
        'enqueueJob',
        'USER',
        (h) =>
          t.run(EnqueueJobDocument, { type: 'generate_report', payload: { report: 'customersByCity' } }, h),
      ],
      ['job', 'USER', (h) => t.run(JobDocument, { id: 'no-such-job' }, h)],
      ['queue', 'USER', (h) => t.run(QueueCountsDocument, {}, h)],
      ['onlineUsers', 'USER', (h) => t.run(OnlineUsersDocument, {}, h)],
      ['serverStats', 'ADMIN', (h) => t.run(ServerStatsDocument, {}, h)],
    ];

    for (const [name, level, call] of cases) {
      for (const caller of ['anonymous', 'USER', 'ADMIN'] as const) {
        const outcome = expected(level, caller);
        it(`${name} (${level}): ${caller} ${outcome === null ? 'may run it' : `gets ${outcome}`}`, async () => {
          const result = await call(await headersOf(caller));
          if (outcome === null) {
            // Other failures belong to other suites; here only the access decision matters.
            expect(codes(result)).not.toContain('UNAUTHENTICATED');
            expect(codes(result)).not.toContain('FORBIDDEN');
            expect(result.data).not.toBeUndefined(); // it ran
          } else {
            expect(codes(result)).toEqual([outcome]);
            // The refused field resolves to null (or nulls the whole answer when non-null).
            expect(Object.values(result.data ?? {}).every((v) => v === null)).toBe(true);
          }
        });
      }

      it(`${name}: a token that names no session gets UNAUTHENTICATED`, async () => {
        const result = await call({ authorization: `Bearer ${randomBytes(32).toString('base64url')}` });
        expect(codes(result)).toEqual(['UNAUTHENTICATED']);
        expect(result.data).toBeUndefined();
      });
    }

    it('a role too low changes nothing: a USER cannot delete a customer', async () => {
      const victim = await t.services.customers.create({
        lastName: 'Kept',
        firstName: 'K',
        email: `${uniqueName('k')}@x.test`,
      });
      const result = await t.run(DeleteCustomerDocument, { id: victim.id }, await headersOf('USER'));
      expect(codes(result)).toEqual(['FORBIDDEN']);
      expect(await t.services.customers.byIds([victim.id])).toEqual([victim]);
    });
  });
}
