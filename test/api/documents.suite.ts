import type { ExecutionResult, GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateCustomerDocument,
  type CreateCustomerInput,
  CreateProductDocument,
  type CreateProductInput,
  CustomerDocument,
  CustomerOrdersDocument,
  CustomerStatsByCityDocument,
  CustomersDocument,
  type CustomersQuery,
  DeleteCustomerDocument,
  OrdersDocument,
  PlaceOrderDocument,
  ProductDocument,
  RecordProductViewDocument,
  UpdateCustomerDocument,
} from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { type Capabilities, FULL, mongoCapabilities } from '../helpers/capabilities.js';
import { uniqueName } from '../helpers/names.js';

const codeOf = (errors: readonly GraphQLFormattedError[] | undefined) => errors?.[0]?.extensions?.code;
const fieldOf = (errors: readonly GraphQLFormattedError[] | undefined) => errors?.[0]?.extensions?.field;

/** The "documents" operations of the contract, as clients send them, through the app on one backend. */
export function documentsSuite(backend: BackendName): void {
  describe(`documents contract (${backend})`, () => {
    let t: TestApp;
    let caps: Capabilities;
    /** Headers of a signed-in USER and ADMIN. */
    let user: Record<string, string> = {};
    let admin: Record<string, string> = {};

    beforeAll(async () => {
      t = await makeApp(backend);
      caps = backend !== 'embedded' ? await mongoCapabilities(inject('mongodbUrl')) : FULL;
      ({ user, admin } = await signIn(t));
    });
    afterAll(async () => {
      await t.close();
    });

    /** A customer with a unique email, so tests never collide. */
    const newCustomer = async (input: Partial<CreateCustomerInput> = {}) => {
      const result = await t.run(
        CreateCustomerDocument,
        {
          input: { lastName: 'Dupont', firstName: 'Jean', email: `${uniqueName('c')}@example.com`, ...input },
        },
        user,
      );
      expect(result.errors).toBeUndefined();
      const customer = result.data?.createCustomer;
      if (!customer) throw new Error('customer not created');
      return customer;
    };
    const newProduct = async (stock: number, price = 10, name = 'Souris') => {
      const result = await t.run(CreateProductDocument, { input: { name, price, stock } }, admin);
      expect(result.errors).toBeUndefined();
      const product = result.data?.createProduct;
      if (!product) throw new Error('product not created');
      return product;
    };
    const stockOf = async (id: string) => (await t.run(ProductDocument, { id }))?.data?.product?.stock;

    describe('customers', () => {
      it('creates a customer with defaults and a server-set UTC registration time', async () => {
        const before = Date.now();
        const c = await newCustomer({ age: 30 });
        expect(c).toMatchObject({
          lastName: 'Dupont',
          firstName: 'Jean',
          age: 30,
          skills: [],
          addresses: [],
        });
        expect(c.registeredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        expect(Date.parse(c.registeredAt)).toBeGreaterThanOrEqual(before - 1000);
      });

      it('refuses a second customer with the same email in another case: CONFLICT', async () => {
        const c = await newCustomer();
        const again = await t.run(
          CreateCustomerDocument,
          { input: { lastName: 'X', firstName: 'Y', email: c.email.toUpperCase() } },
          user,
        );
        expect(codeOf(again.errors)).toBe('CONFLICT');
      });

      it('lets exactly one of concurrent creates with one email succeed', async () => {
        const email = `${uniqueName('race')}@example.com`;
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            t.run(CreateCustomerDocument, { input: { lastName: `R${i}`, firstName: 'R', email } }, user),
          ),
        );
        expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
        expect(results.filter((r) => codeOf(r.errors) === 'CONFLICT')).toHaveLength(7);
        const listed = await t.run(CustomersDocument, { filter: { email: { eq: email } } }, user);
        expect(listed.data?.customers.totalCount).toBe(1);
      });

      it.each([
        [{ age: 151 }, 'age'],
        [{ age: -1 }, 'age'],
        [{ email: 'not-an-email' }, 'email'],
        [{ lastName: '' }, 'lastName'],
        [{ lastName: 'x'.repeat(101) }, 'lastName'],
        [{ skills: Array.from({ length: 51 }, (_, i) => `s${i}`) }, 'skills'],
        [{ addresses: [{ city: '' }] }, 'addresses.0.city'],
      ] satisfies Array<[Partial<CreateCustomerInput>, string]>)(
        'refuses bad input %j with BAD_USER_INPUT naming %s, and stores nothing',
        async (bad, field) => {
          const email = `${uniqueName('bad')}@example.com`;
          const result = await t.run(
            CreateCustomerDocument,
            { input: { lastName: 'Dupont', firstName: 'Jean', email, ...bad } },
            user,
          );
          expect(codeOf(result.errors)).toBe('BAD_USER_INPUT');
          expect(fieldOf(result.errors)).toBe(field);
          const listed = await t.run(CustomersDocument, { filter: { email: { eq: email } } }, user);
          expect(listed.data?.customers.totalCount).toBe(0);
        },
      );

      it('refuses a wrongly typed variable with BAD_USER_INPUT', async () => {
        const result = await t.run(
          CreateCustomerDocument,
          { input: { lastName: 'A', firstName: 'B', email: 'a@b.example', age: 'old' as unknown as number } },
          user,
        );
        expect(codeOf(result.errors)).toBe('BAD_USER_INPUT');
      });

      it('patches: fields left out keep their value, age null clears it', async () => {
        const c = await newCustomer({ age: 40, skills: ['Pascal'] });
        const patched = await t.run(
          UpdateCustomerDocument,
          { id: c.id, input: { firstName: 'Jeanne' } },
          user,
        );
        expect(patched.data?.updateCustomer).toMatchObject({
          firstName: 'Jeanne',
          lastName: 'Dupont',
          age: 40,
          skills: ['Pascal'],
        });
        const cleared = await t.run(UpdateCustomerDocument, { id: c.id, input: { age: null } }, user);
        expect(cleared.data?.updateCustomer.age).toBeNull();
        const read = await t.run(CustomerDocument, { id: c.id }, user);
        expect(read.data?.customer).toMatchObject({ firstName: 'Jeanne', age: null, skills: ['Pascal'] });
      });

      it('refuses a patch that sets a required field to null, and changes nothing', async () => {
        const c = await newCustomer();
        const result = await t.run(
          UpdateCustomerDocument,
          { id: c.id, input: { lastName: null, firstName: 'Z' } },
          user,
        );
        expect(codeOf(result.errors)).toBe('BAD_USER_INPUT');
        expect(fieldOf(result.errors)).toBe('lastName');
        expect((await t.run(CustomerDocument, { id: c.id }, user)).data?.customer?.firstName).toBe('Jean');
      });

      it('answers NOT_FOUND for updating an unknown or malformed id', async () => {
        for (const id of ['0123456789abcdef01234567', 'nope']) {
          const result = await t.run(UpdateCustomerDocument, { id, input: { firstName: 'X' } }, user);
          expect(codeOf(result.errors)).toBe('NOT_FOUND');
        }
      });

      it('refuses changing an email to one another customer has', async () => {
        const a = await newCustomer();
        const b = await newCustomer();
        const result = await t.run(UpdateCustomerDocument, { id: b.id, input: { email: a.email } }, user);
        if (caps.duplicateKeyOnUpdate) expect(codeOf(result.errors)).toBe('CONFLICT');
        else expect(result.errors).toBeDefined();
        expect((await t.run(CustomerDocument, { id: b.id }, user)).data?.customer?.email).toBe(b.email);
      });

      it('returns null for an id that names nothing, malformed ids included', async () => {
        for (const id of ['0123456789abcdef01234567', 'not-an-id', '{"$ne":null}', 'x'.repeat(500)]) {
          const result = await t.run(CustomerDocument, { id }, user);
          expect(result.errors).toBeUndefined();
          expect(result.data?.customer).toBeNull();
        }
      });

      it('counts customer(id) reads in viewCount', async () => {
        const c = await newCustomer();
        await t.run(CustomerDocument, { id: c.id }, user);
        const second = await t.run(CustomerDocument, { id: c.id }, user);
        expect(second.data?.customer?.viewCount).toBe(2);
      });

      it('deletes a customer without orders (true), then finds none (false)', async () => {
        const c = await newCustomer();
        expect((await t.run(DeleteCustomerDocument, { id: c.id }, admin)).data?.deleteCustomer).toBe(true);
        expect((await t.run(DeleteCustomerDocument, { id: c.id }, admin)).data?.deleteCustomer).toBe(false);
        expect((await t.run(CustomerDocument, { id: c.id }, user)).data?.customer).toBeNull();
      });

      it('refuses to delete a customer who has orders: CONFLICT, and keeps them', async () => {
        const c = await newCustomer();
        const p = await newProduct(5);
        await t.run(
          PlaceOrderDocument,
          { input: { customerId: c.id, items: [{ productId: p.id, quantity: 1 }] } },
          user,
        );
        const result = await t.run(DeleteCustomerDocument, { id: c.id }, admin);
        expect(codeOf(result.errors)).toBe('CONFLICT');
        expect((await t.run(CustomerDocument, { id: c.id }, user)).data?.customer?.id).toBe(c.id);
      });
    });

    describe('customers list', () => {
      const tag = uniqueName('skill');
      const people = [
        {
          lastName: 'Dupont',
          firstName: 'Jean',
          age: 30,
          skills: [tag, 'Pascal', 'Python'],
          addresses: [{ city: 'Paris' }],
        },
        {
          lastName: 'Martin',
          firstName: 'Marie',
          age: 25,
          skills: [tag, 'Python'],
          addresses: [{ city: 'Lyon' }, { city: 'Paris' }],
        },
        {
          lastName: 'Durand',
          firstName: 'Pierre',
          age: 35,
          skills: [tag],
          addresses: [{ city: 'Marseille' }],
        },
        { lastName: 'Du.*rand', firstName: 'Regex', skills: [tag], addresses: [] },
        {
          lastName: 'Bernard',
          firstName: 'Sophie',
          age: 30,
          skills: [tag, 'Go'],
          addresses: [{ city: 'Lyon' }],
        },
      ];
      const ours = { skills: { has: tag } };

      beforeAll(async () => {
        for (const p of people) await newCustomer(p);
      });

      const names = async (filter: object, extra: object = {}) => {
        const result = await t.run(
          CustomersDocument,
          { filter: { and: [ours, filter] }, first: 100, ...extra },
          user,
        );
        expect(result.errors).toBeUndefined();
        return (result.data?.customers.edges ?? []).map((e) => e.node.lastName).sort();
      };

      it('filters by every StringFilter operator, literally and without case for contains/startsWith', async () => {
        expect(await names({ lastName: { eq: 'Dupont' } })).toEqual(['Dupont']);
        expect(await names({ lastName: { ne: 'Dupont' } })).toEqual([
          'Bernard',
          'Du.*rand',
          'Durand',
          'Martin',
        ]);
        expect(await names({ lastName: { in: ['Martin', 'Durand'] } })).toEqual(['Durand', 'Martin']);
        expect(await names({ lastName: { startsWith: 'du' } })).toEqual(['Du.*rand', 'Dupont', 'Durand']);
        expect(await names({ lastName: { contains: 'RAN' } })).toEqual(['Du.*rand', 'Durand']);
        expect(await names({ lastName: { contains: '.*' } })).toEqual(['Du.*rand']);
        expect(await names({ lastName: { startsWith: '(' } })).toEqual([]);
      });

      it('filters by age, skills, city, and nests and / or / not', async () => {
        expect(await names({ age: { gte: 30 } })).toEqual(['Bernard', 'Dupont', 'Durand']);
        expect(await names({ age: { gt: 25, lt: 35 } })).toEqual(['Bernard', 'Dupont']);
        expect(await names({ age: { in: [25, 35] } })).toEqual(['Durand', 'Martin']);
        expect(await names({ age: { ne: 30 } })).toEqual(['Du.*rand', 'Durand', 'Martin']);
        expect(await names({ skills: { hasAll: ['Pascal', 'Python'] } })).toEqual(['Dupont']);
        expect(await names({ skills: { hasSome: ['Go', 'Pascal'] } })).toEqual(['Bernard', 'Dupont']);
        expect(await names({ city: 'Paris' })).toEqual(['Dupont', 'Martin']);
        expect(await names({ or: [{ city: 'Marseille' }, { age: { eq: 25 } }] })).toEqual([
          'Durand',
          'Martin',
        ]);
        expect(await names({ not: { city: 'Lyon' } })).toEqual(['Du.*rand', 'Dupont', 'Durand']);
      });

      it('counts every match in totalCount, across pages', async () => {
        const result = await t.run(CustomersDocument, { filter: ours, first: 2 }, user);
        expect(result.data?.customers.totalCount).toBe(5);
        expect(result.data?.customers.edges).toHaveLength(2);
        expect(result.data?.customers.pageInfo.hasNextPage).toBe(true);
      });

      it.each([
        [[{ field: 'LAST_NAME', direction: 'ASC' }]],
        [[{ field: 'AGE', direction: 'DESC' }]],
        [
          [
            { field: 'AGE', direction: 'ASC' },
            { field: 'FIRST_NAME', direction: 'DESC' },
          ],
        ],
        [[{ field: 'REGISTERED_AT', direction: 'DESC' }]],
      ] as const)('pages through %j without skipping or repeating', async (orderBy) => {
        const all = await t.run(CustomersDocument, { filter: ours, orderBy: [...orderBy], first: 100 }, user);
        const expected = (all.data?.customers.edges ?? []).map((e) => e.node.id);
        expect(expected).toHaveLength(5);
        const seen: string[] = [];
        let after: string | null | undefined = null;
        for (let page = 0; page < 10; page++) {
          const result: ExecutionResult<CustomersQuery> = await t.run(
            CustomersDocument,
            { filter: ours, orderBy: [...orderBy], first: 2, after },
            user,
          );
          expect(result.errors).toBeUndefined();
          const connection = result.data?.customers;
          seen.push(...(connection?.edges ?? []).map((e) => e.node.id));
          if (!connection?.pageInfo.hasNextPage) break;
          after = connection.pageInfo.endCursor;
        }
        expect(seen).toEqual(expected);
      });

      it('orders ties by id and missing ages first when ascending', async () => {
        const result = await t.run(
          CustomersDocument,
          { filter: ours, orderBy: [{ field: 'AGE', direction: 'ASC' }], first: 10 },
          user,
        );
        const ages = (result.data?.customers.edges ?? []).map((e) => e.node.age);
        expect(ages).toEqual([null, 25, 30, 30, 35]);
      });

      it('refuses a forged, garbled or foreign cursor with BAD_USER_INPUT', async () => {
        const byName = await t.run(
          CustomersDocument,
          { filter: ours, orderBy: [{ field: 'LAST_NAME' }], first: 1 },
          user,
        );
        const foreign = byName.data?.customers.pageInfo.endCursor ?? '';
        const forged = Buffer.from(JSON.stringify({ s: '_id:1', v: [{ $gt: '' }] })).toString('base64url');
        for (const after of [foreign, forged, 'not a cursor', 'abc', '']) {
          const result = await t.run(CustomersDocument, { filter: ours, first: 1, after }, user);
          expect(codeOf(result.errors)).toBe('BAD_USER_INPUT');
          expect(fieldOf(result.errors)).toBe('after');
        }
      });

      it('refuses first above 100 or below 0, and a filter value that is too long', async () => {
        for (const first of [101, -1]) {
          const result = await t.run(CustomersDocument, { first }, user);
          expect(fieldOf(result.errors)).toBe('first');
        }
        const long = await t.run(
          CustomersDocument,
          { filter: { lastName: { contains: 'x'.repeat(101) } } },
          user,
        );
        expect(codeOf(long.errors)).toBe('BAD_USER_INPUT');
        expect(fieldOf(long.errors)).toBe('filter.lastName.contains');
      });

      it('defaults to pages of 20', async () => {
        for (let i = 0; i < 21; i++) await newCustomer({ skills: [`${tag}-many`] });
        const result = await t.run(CustomersDocument, { filter: { skills: { has: `${tag}-many` } } }, user);
        expect(result.data?.customers.edges).toHaveLength(20);
        expect(result.data?.customers.totalCount).toBe(21);
      });
    });

    describe('stats by city', () => {
      it('counts distinct customers per city and averages the ages they have', async () => {
        const mark = uniqueName('City');
        const [a, b] = [`${mark}-A`, `${mark}-B`];
        await newCustomer({ age: 20, addresses: [{ city: a }, { city: a }] });
        await newCustomer({ age: 40, addresses: [{ city: a }, { city: b }] });
        await newCustomer({ addresses: [{ city: b }] });
        await newCustomer({ addresses: [{ city: `${mark}-C` }] });
        const result = await t.run(CustomerStatsByCityDocument, {}, user);
        expect(result.errors).toBeUndefined();
        const rows = (result.data?.customerStatsByCity ?? []).filter((r) => r.city.startsWith(mark));
        expect(rows).toEqual([
          { city: a, customers: 2, averageAge: 30 },
          { city: b, customers: 2, averageAge: 40 },
          { city: `${mark}-C`, customers: 1, averageAge: null },
        ]);
        const all = result.data?.customerStatsByCity ?? [];
        for (let i = 1; i < all.length; i++) {
          const [prev, row] = [all[i - 1], all[i]];
          if (!prev || !row) continue;
          expect(
            prev.customers > row.customers || (prev.customers === row.customers && prev.city < row.city),
          ).toBe(true);
        }
      });
    });

    describe('products', () => {
      it('creates a product with defaults', async () => {
        const result = await t.run(CreateProductDocument, { input: { name: 'Clavier', price: 125 } }, admin);
        expect(result.data?.createProduct).toMatchObject({ name: 'Clavier', price: 125, stock: 0, tags: [] });
      });

      it.each([
        [{ price: -1 }, 'price'],
        [{ stock: -1 }, 'stock'],
        [{ name: '' }, 'name'],
        [{ tags: ['x'.repeat(51)] }, 'tags.0'],
      ] satisfies Array<[Partial<CreateProductInput>, string]>)(
        'refuses %j with BAD_USER_INPUT naming %s',
        async (bad, field) => {
          const result = await t.run(
            CreateProductDocument,
            { input: { name: 'P', price: 1, ...bad } },
            admin,
          );
          expect(codeOf(result.errors)).toBe('BAD_USER_INPUT');
          expect(fieldOf(result.errors)).toBe(field);
        },
      );

      it('counts recordProductView calls and answers NOT_FOUND for an unknown product', async () => {
        const p = await newProduct(1);
        expect((await t.run(RecordProductViewDocument, { id: p.id })).data?.recordProductView).toBe(1);
        expect((await t.run(RecordProductViewDocument, { id: p.id })).data?.recordProductView).toBe(2);
        expect((await t.run(ProductDocument, { id: p.id })).data?.product?.viewCount).toBe(2);
        const unknown = await t.run(RecordProductViewDocument, { id: '0123456789abcdef01234567' });
        expect(codeOf(unknown.errors)).toBe('NOT_FOUND');
        expect((await t.run(ProductDocument, { id: 'bad' })).data?.product).toBeNull();
      });
    });

    describe('orders', () => {
      it('places an order at current prices, takes the stock, numbers it', async () => {
        const c = await newCustomer();
        const souris = await newProduct(10, 19.99, 'Souris');
        const clavier = await newProduct(10, 125, 'Clavier');
        const result = await t.run(
          PlaceOrderDocument,
          {
            input: {
              customerId: c.id,
              items: [
                { productId: souris.id, quantity: 3 },
                { productId: clavier.id, quantity: 1 },
              ],
            },
          },
          user,
        );
        expect(result.errors).toBeUndefined();
        const order = result.data?.placeOrder;
        expect(order?.total).toBe(184.97);
        expect(order?.number).toMatch(/^ORD-\d{6}$/);
        expect(order?.customer).toEqual({ id: c.id, lastName: 'Dupont' });
        expect(order?.items).toEqual([
          { quantity: 3, unitPrice: 19.99, product: { id: souris.id, name: 'Souris' } },
          { quantity: 1, unitPrice: 125, product: { id: clavier.id, name: 'Clavier' } },
        ]);
        expect(await stockOf(souris.id)).toBe(7);
        expect(await stockOf(clavier.id)).toBe(9);
      });

      it('numbers orders uniquely and increasingly', async () => {
        const c = await newCustomer();
        const p = await newProduct(100);
        const numbers: string[] = [];
        for (let i = 0; i < 5; i++) {
          const r = await t.run(
            PlaceOrderDocument,
            { input: { customerId: c.id, items: [{ productId: p.id, quantity: 1 }] } },
            user,
          );
          numbers.push(r.data?.placeOrder.number ?? '');
        }
        expect([...numbers].sort()).toEqual(numbers);
        expect(new Set(numbers).size).toBe(5);
      });

      it('never takes stock below zero when 20 orders race for 5 units', async () => {
        const c = await newCustomer();
        const p = await newProduct(5);
        const place = () =>
          t.run(
            PlaceOrderDocument,
            { input: { customerId: c.id, items: [{ productId: p.id, quantity: 1 }] } },
            user,
          );
        // A server without atomic conditional updates (FerretDB 1.x) can only be held to the sequential case.
        const results = caps.atomicConditionalUpdates
          ? await Promise.all(Array.from({ length: 20 }, place))
          : await Array.from({ length: 20 }).reduce<Promise<Awaited<ReturnType<typeof place>>[]>>(
              async (acc) => [...(await acc), await place()],
              Promise.resolve([]),
            );
        expect(results.filter((r) => r.errors === undefined)).toHaveLength(5);
        expect(results.filter((r) => codeOf(r.errors) === 'CONFLICT')).toHaveLength(15);
        expect(await stockOf(p.id)).toBe(0);
        const numbers = results.flatMap((r) => (r.data?.placeOrder ? [r.data.placeOrder.number] : []));
        expect(new Set(numbers).size).toBe(5);
      });

      it('refuses an order whose second item is short: CONFLICT, no stock changes', async () => {
        const c = await newCustomer();
        const plenty = await newProduct(10);
        const short = await newProduct(1);
        const result = await t.run(
          PlaceOrderDocument,
          {
            input: {
              customerId: c.id,
              items: [
                { productId: plenty.id, quantity: 2 },
                { productId: short.id, quantity: 2 },
              ],
            },
          },
          user,
        );
        expect(codeOf(result.errors)).toBe('CONFLICT');
        expect(fieldOf(result.errors)).toBe('input.items.1.quantity');
        expect(await stockOf(plenty.id)).toBe(10);
        expect(await stockOf(short.id)).toBe(1);
      });

      it('answers NOT_FOUND for an unknown customer or product, and BAD_USER_INPUT for bad items', async () => {
        const c = await newCustomer();
        const p = await newProduct(3);
        const unknown = '0123456789abcdef01234567';
        const cases = [
          [
            { customerId: unknown, items: [{ productId: p.id, quantity: 1 }] },
            'NOT_FOUND',
            'input.customerId',
          ],
          [
            { customerId: c.id, items: [{ productId: unknown, quantity: 1 }] },
            'NOT_FOUND',
            'input.items.0.productId',
          ],
          [{ customerId: c.id, items: [] }, 'BAD_USER_INPUT', 'input.items'],
          [
            { customerId: c.id, items: [{ productId: p.id, quantity: 0 }] },
            'BAD_USER_INPUT',
            'input.items.0.quantity',
          ],
          [
            { customerId: 'bad', items: [{ productId: p.id, quantity: 1 }] },
            'BAD_USER_INPUT',
            'input.customerId',
          ],
        ] as const;
        for (const [input, code, field] of cases) {
          const result = await t.run(
            PlaceOrderDocument,
            { input: { ...input, items: [...input.items] } },
            user,
          );
          expect(codeOf(result.errors)).toBe(code);
          expect(fieldOf(result.errors)).toBe(field);
        }
        expect(await stockOf(p.id)).toBe(3);
      });

      it('lists orders newest first, filtered by customer and date, and pages them', async () => {
        const c = await newCustomer();
        const p = await newProduct(10);
        const placed: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await t.run(
            PlaceOrderDocument,
            { input: { customerId: c.id, items: [{ productId: p.id, quantity: 1 }] } },
            user,
          );
          placed.push(r.data?.placeOrder.id ?? '');
        }
        const all = await t.run(OrdersDocument, { filter: { customerId: c.id }, first: 10 }, user);
        expect(all.data?.orders.totalCount).toBe(3);
        expect(all.data?.orders.edges.map((e) => e.node.id)).toEqual([...placed].reverse());
        expect(all.data?.orders.edges[0]?.node.customer).toMatchObject({ id: c.id, firstName: 'Jean' });
        const future = await t.run(
          OrdersDocument,
          { filter: { customerId: c.id, placedAfter: new Date(Date.now() + 60_000).toISOString() } },
          user,
        );
        expect(future.data?.orders.totalCount).toBe(0);
        const past = await t.run(
          OrdersDocument,
          { filter: { customerId: c.id, placedBefore: new Date(Date.now() + 60_000).toISOString() } },
          user,
        );
        expect(past.data?.orders.totalCount).toBe(3);
        const page1 = await t.run(OrdersDocument, { filter: { customerId: c.id }, first: 2 }, user);
        const page2 = await t.run(
          OrdersDocument,
          { filter: { customerId: c.id }, first: 2, after: page1.data?.orders.pageInfo.endCursor },
          user,
        );
        expect(
          [...(page1.data?.orders.edges ?? []), ...(page2.data?.orders.edges ?? [])].map((e) => e.node.id),
        ).toEqual([...placed].reverse());
      });

      it("lists a customer's own orders, newest first", async () => {
        const c = await newCustomer();
        const p = await newProduct(10);
        const numbers: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = await t.run(
            PlaceOrderDocument,
            { input: { customerId: c.id, items: [{ productId: p.id, quantity: 1 }] } },
            user,
          );
          numbers.push(r.data?.placeOrder.number ?? '');
        }
        const result = await t.run(CustomerOrdersDocument, { id: c.id, first: 2 }, user);
        expect(result.data?.customer?.orders.totalCount).toBe(3);
        expect(result.data?.customer?.orders.edges.map((e) => e.node.number)).toEqual([
          numbers[2],
          numbers[1],
        ]);
      });
    });
  });
}

/** Signed-in headers for a USER and an ADMIN. */
async function signIn(t: TestApp): Promise<{ user: Record<string, string>; admin: Record<string, string> }> {
  return { user: await t.signIn('USER'), admin: await t.signIn('ADMIN') };
}
