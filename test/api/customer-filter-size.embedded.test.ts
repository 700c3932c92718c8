import type { GraphQLFormattedError } from 'graphql';
import { type ExecutionResult, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerFilter } from '../../src/services/customer-filter.js';
import { CustomersDocument } from '../generated/operations.js';
import { makeApp, type TestApp } from '../helpers/app.js';

const first = (errors: readonly GraphQLFormattedError[] | undefined) => errors?.[0];

/**
 * A request body whose `filter` is `{ not: { not: ... { lastName: { eq: "x" } } } }`, `levels`
 * deep, written by hand: JSON.stringify itself recurses too deep for the largest ones.
 */
function nestedNotBody(levels: number): string {
  const filter = `${'{"not":'.repeat(levels)}{"lastName":{"eq":"x"}}${'}'.repeat(levels)}`;
  return `{"query":${JSON.stringify(print(CustomersDocument))},"variables":{"filter":${filter}}}`;
}

/** The reported attack's shape: 4,800 leaves within the depth and list-length limits. */
function wideFilter(): CustomerFilter {
  const leaf = (i: number): CustomerFilter => ({ age: { eq: i } });
  return {
    and: Array.from({ length: 20 }, (_, a) => ({
      or: Array.from({ length: 20 }, (_, b) => ({
        and: Array.from({ length: 12 }, (_, c) => leaf(a * 240 + b * 12 + c)),
      })),
    })),
  };
}

describe('customer filter bounds (embedded)', () => {
  let t: TestApp;
  let user = '';
  beforeAll(async () => {
    t = await makeApp('embedded', {}, { signedInAs: 'USER' });
    user = (await t.signIn()).authorization ?? '';
  });
  afterAll(async () => {
    await t.close();
  });

  for (const levels of [50, 2_000, 12_000]) {
    it(`refuses a not nested ${levels} deep in variables with BAD_USER_INPUT`, async () => {
      const response = await t.app.fetch('http://docgate.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: user },
        body: nestedNotBody(levels),
      });
      const result = (await response.json()) as ExecutionResult;
      expect(first(result.errors)?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(first(result.errors)?.extensions?.field).toBe('filter');
    });
  }

  it('refuses a filter of 4,800 leaves with BAD_USER_INPUT naming the field', async () => {
    const result = await t.run(CustomersDocument, { filter: wideFilter() });
    expect(first(result.errors)?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(first(result.errors)?.extensions?.field).toBe('filter');
    expect(first(result.errors)?.message).toMatch(/at most \d+ terms/);
  });

  it('accepts a filter of a few dozen terms', async () => {
    const filter: CustomerFilter = {
      or: Array.from({ length: 10 }, (_, i) => ({ lastName: { eq: `n${i}` }, age: { gte: i, lt: 90 } })),
    };
    const result = await t.run(CustomersDocument, { filter });
    expect(result.errors).toBeUndefined();
  });
});
