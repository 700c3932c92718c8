import type { GraphQLFormattedError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomersDocument, OrdersDocument } from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';

const codeOf = (errors: readonly GraphQLFormattedError[] | undefined) => errors?.[0]?.extensions?.code;

/** A cursor as the server would encode one, but holding whatever values the attacker chose. */
const forge = (signature: string, values: readonly unknown[]) =>
  Buffer.from(JSON.stringify({ s: signature, v: values })).toString('base64url');

const nonFinite = [
  ['NaN', { $numberDouble: 'NaN' }],
  ['Infinity', { $numberDouble: 'Infinity' }],
  ['-Infinity', { $numberDouble: '-Infinity' }],
] as const;

export function forgedCursorsSuite(backend: BackendName): void {
  describe(`forged pagination cursors (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeApp(backend, {}, { signedInAs: 'USER' });
    });
    afterAll(async () => {
      await t.close();
    });

    for (const [name, value] of nonFinite) {
      it(`refuses a customers cursor holding ${name} with BAD_USER_INPUT on after`, async () => {
        const after = forge('age:1,_id:1', [value, 'x']);
        const result = await t.run(CustomersDocument, { orderBy: [{ field: 'AGE' }], after });
        expect(codeOf(result.errors)).toBe('BAD_USER_INPUT');
        expect(result.errors?.[0]?.extensions?.field).toBe('after');
      });
    }

    it('refuses an orders cursor holding an invalid date or a non-finite number', async () => {
      for (const placedAt of [{ $date: { $numberLong: 'NaN' } }, { $numberDouble: 'NaN' }]) {
        const after = forge('placedAt:-1,_id:-1', [placedAt, 'x']);
        const result = await t.run(OrdersDocument, { after });
        expect(codeOf(result.errors)).toBe('BAD_USER_INPUT');
      }
    });

    it('still accepts a finite number in a forged cursor', async () => {
      const after = forge('age:1,_id:1', [{ $numberDouble: '42.5' }, 'x']);
      const result = await t.run(CustomersDocument, { orderBy: [{ field: 'AGE' }], after });
      expect(result.errors).toBeUndefined();
    });
  });
}
