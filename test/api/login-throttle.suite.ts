import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument } from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

const PASSWORD = 'correct horse battery';
const newEmail = () => `${uniqueName('thr')}@example.test`;
const from = (address: string) => ({ 'x-forwarded-for': address });
type Answer = { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> };
const codeOf = (result: Answer) => result.errors?.[0]?.extensions?.code ?? 'OK';

export function loginThrottleSuite(backend: BackendName): void {
  describe(`login throttle per (email, client) and per client (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeApp(backend, { TRUST_PROXY: 'true', LOGIN_MAX_FAILURES: '4' });
    });
    afterAll(async () => {
      await t.close();
    });

    for (const role of ['USER', 'ADMIN'] as const) {
      it(`lets the owner of a ${role} account in while a stranger is refused for it`, async () => {
        const email = newEmail();
        await t.services.accounts.create({ email, password: PASSWORD }, role);
        const stranger = [];
        for (let i = 0; i < 5; i++)
          stranger.push(
            await t.run(LoginDocument, { email, password: 'wrong password' }, from('203.0.113.7')),
          );
        expect(stranger.map(codeOf)).toEqual([
          'UNAUTHENTICATED',
          'UNAUTHENTICATED',
          'UNAUTHENTICATED',
          'UNAUTHENTICATED',
          'RATE_LIMITED',
        ]);
        // The stranger stays refused, even with the right password...
        expect(codeOf(await t.run(LoginDocument, { email, password: PASSWORD }, from('203.0.113.7')))).toBe(
          'RATE_LIMITED',
        );
        // ...while the owner, from its own address, signs in.
        const owner = await t.run(LoginDocument, { email, password: PASSWORD }, from('198.51.100.2'));
        expect(owner.errors).toBeUndefined();
        expect(owner.data?.login.user.role).toBe(role);
      }, 120_000);
    }
  });
}
