import { type ExecutionResult, execute, getOperationAST, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, rememberRequestCaller } from '../../src/context.js';
import { schema } from '../../src/schema/index.js';
import type { CustomerFilter } from '../../src/services/customer-filter.js';
import { CustomersDocument } from '../generated/operations.js';
import { makeApp, type TestApp } from '../helpers/app.js';

/** The operations whose compiled query ran, by name (the spy wraps graphql-jit's compileQuery). */
const ran = vi.hoisted(() => [] as string[]);

vi.mock('graphql-jit', async (importOriginal) => {
  const jit = await importOriginal<typeof import('graphql-jit')>();
  const compileQuery = (...args: Parameters<typeof jit.compileQuery>) => {
    const compiled = jit.compileQuery(...args);
    if (!('query' in compiled)) return compiled;
    const query = compiled.query;
    compiled.query = (root: unknown, context: unknown, variables: unknown) => {
      ran.push(getOperationAST(args[1], args[2])?.name?.value ?? '');
      return query(root, context, variables);
    };
    return compiled;
  };
  return { ...jit, compileQuery };
});

describe('graphql-jit runs operations with a CustomerFilter variable (embedded)', () => {
  let t: TestApp;
  let authorization = '';
  beforeAll(async () => {
    t = await makeApp('embedded');
    authorization = (await t.signIn()).authorization ?? '';
    const people = [
      ['Ada', 'Lovelace', 36, ['math', 'poetry'], 'London'],
      ['Alan', 'Turing', 41, ['math', 'running'], 'Manchester'],
      ['Grace', 'Hopper', 85, ['navy', 'cobol'], 'New York'],
      ['Edsger', 'Dijkstra', 72, ['math'], 'Austin'],
      ['Barbara', 'Liskov', 60, ['types'], 'Boston'],
    ] as const;
    for (const [firstName, lastName, age, skills, city] of people)
      await t.services.customers.create({
        firstName,
        lastName,
        email: `${firstName.toLowerCase()}@example.test`,
        age,
        skills: [...skills],
        addresses: [{ city }],
      });
  });
  afterAll(() => t.close());

  /** The same operation run by graphql-js alone, with the same caller. */
  async function withGraphqlJs(variables: Record<string, unknown>): Promise<ExecutionResult> {
    const request = new Request('http://docgate.test/graphql');
    rememberRequestCaller(request, await t.services.accounts.authenticate(authorization));
    const result = await execute({
      schema,
      document: parse(print(CustomersDocument)),
      variableValues: variables,
      contextValue: createContext(t.services, request),
    });
    return JSON.parse(JSON.stringify(result)) as ExecutionResult;
  }

  const filters: Record<string, CustomerFilter> = {
    'nested and/or/not': {
      or: [
        { and: [{ skills: { has: 'math' } }, { not: { age: { gt: 40 } } }] },
        { city: 'New York' },
        { not: { or: [{ age: { lt: 70 } }, { lastName: { startsWith: 'h' } }] } },
      ],
    },
    'a plain one': { age: { gte: 60 } },
  };

  for (const [name, filter] of Object.entries(filters)) {
    it(`compiles and runs ${name}, with graphql-js' result`, async () => {
      ran.length = 0;
      const variables = { filter, orderBy: [{ field: 'LAST_NAME', direction: 'ASC' }], first: 10 };
      const result = await t.run(CustomersDocument, variables as never, { authorization });
      expect(result.errors).toBeUndefined();
      expect(ran).toEqual(['Customers']);
      expect(result.data?.customers.totalCount).toBeGreaterThan(0);
      expect(result).toEqual(await withGraphqlJs(variables));
    });
  }

  it('keeps graphql-js errors for a filter that does not coerce', async () => {
    ran.length = 0;
    const result = await t.run(CustomersDocument, { filter: { not: { age: { gt: 'old' } } } } as never, {
      authorization,
    });
    expect(result.errors?.[0]?.message).toMatch(/Int cannot represent/);
    expect(ran).toEqual([]);
  });
});
