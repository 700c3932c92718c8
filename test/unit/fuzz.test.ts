import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { type OperationDefinitionNode, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVED_SECTIONS } from '../../codegen.js';
import { makeApp, type TestApp } from '../helpers/app.js';

const CONTRACT_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
]);

const contractDir = fileURLToPath(new URL('../api/contract/', import.meta.url));

/** Every served contract operation, each with the fragments it needs, as a standalone document. */
function servedOperations(): Array<{ name: string; query: string; variables: string[] }> {
  const document = parse(
    SERVED_SECTIONS.map((s) => readFileSync(`${contractDir}${s}.graphql`, 'utf8')).join('\n'),
  );
  const fragments = document.definitions.filter((d) => d.kind === 'FragmentDefinition').map((d) => print(d));
  return document.definitions
    .filter(
      (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.operation !== 'subscription',
    )
    .map((op) => {
      const body = print(op);
      const used = fragments.filter((f) => body.includes(`...${/fragment (\w+)/.exec(f)?.[1] ?? ''}`));
      return {
        name: op.name?.value ?? 'anonymous',
        query: [body, ...used].join('\n'),
        variables: (op.variableDefinitions ?? []).map((v) => v.variable.name.value),
      };
    });
}

/** Values of every JSON shape, biased toward what breaks validators: huge, negative, nested, odd strings. */
const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('', '$ne', '{"$gt":""}', '.*', '0123456789abcdef01234567', 'a@b.c', '\u0000', 'ORD-000001'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 2 ** 31, null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 120 }),
  fc.dictionary(
    fc.constantFrom(
      'lastName',
      'firstName',
      'email',
      'age',
      'skills',
      'addresses',
      'city',
      'eq',
      'in',
      'and',
      'not',
      'items',
      'customerId',
      'productId',
      'quantity',
      'name',
      'price',
      'stock',
      'field',
      'direction',
      '$where',
    ),
    fc.jsonValue({ maxDepth: 3 }),
  ),
);

describe('fuzzing the contract operations', () => {
  let t: TestApp;
  /** An ADMIN may call every operation, so the fuzzer reaches past the access checks. */
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await makeApp('embedded');
    admin = await t.signIn('ADMIN');
  });
  afterAll(async () => {
    await t.close();
  });

  const send = async (body: string) => {
    const response = await t.app.fetch('http://docgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...admin },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, text };
  };

  const assertContractAnswer = ({ status, text }: { status: number; text: string }) => {
    expect(status).toBeLessThan(500);
    const parsed = JSON.parse(text) as {
      data?: unknown;
      errors?: Array<{ extensions?: { code?: unknown } }>;
    };
    for (const error of parsed.errors ?? []) {
      const code = error.extensions?.code;
      // Errors of the request itself (syntax, validation) carry no contract code; none may be internal.
      expect(code).not.toBe('INTERNAL_SERVER_ERROR');
      if (typeof code === 'string' && !code.startsWith('GRAPHQL_')) expect(CONTRACT_CODES).toContain(code);
    }
  };

  it('answers thousands of random variable sets with data or a contract error, never an internal one', async () => {
    // Logout would end the fuzzer's own session; it is covered by the accounts suites.
    const operations = servedOperations().filter((op) => op.name !== 'Logout');
    expect(operations.length).toBeGreaterThan(5);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.array(hostile, { minLength: 4, maxLength: 4 }),
        async (op, values) => {
          const variables = Object.fromEntries(op.variables.map((v, i) => [v, values[i % values.length]]));
          assertContractAnswer(await send(JSON.stringify({ query: op.query, variables })));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('answers malformed bodies with a client error, never a crash or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 500 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.constantFrom(
            '{',
            '{"query":',
            '{"query": 1}',
            '{"query":"{","variables":[]}',
            'null',
            '[]',
            '{"query":"query{__typename}","variables":"x"}',
          ),
        ),
        async (body) => {
          const { status } = await send(body);
          expect(status).toBeGreaterThanOrEqual(200);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
