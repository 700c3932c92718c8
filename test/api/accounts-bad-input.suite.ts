import { randomBytes } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PasswordHasher } from '../../src/services/passwords.js';
import { LoginDocument, LogoutDocument, MeDocument, RegisterDocument } from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

const PASSWORD = 'correct horse battery';
const errorsOf = (result: ExecutionResult<unknown>) =>
  (result.errors ?? []).map((e) => ({ code: e.extensions?.code, field: e.extensions?.field }));

/** Bad input to the account operations: its contract error, and nothing changed; on one backend. */
export function accountsBadInputSuite(backend: BackendName): void {
  describe(`accounts: bad input gets its contract error and changes nothing (${backend})`, () => {
    let t: TestApp;
    let token: string;
    beforeAll(async () => {
      t = await makeApp(backend);
      const signedIn = await t.run(RegisterDocument, {
        input: { email: `${uniqueName('ok')}@x.test`, password: PASSWORD },
      });
      token = signedIn.data?.register.token ?? '';
    });
    afterAll(async () => {
      await t.close();
    });

    const accounts = () => t.backends.documents.collection('accounts').count({});

    const registrations: Array<[string, { email: string; password: string }, string]> = [
      ['a password of 7 characters', { email: 'short@x.test', password: '1234567' }, 'input.password'],
      ['a password of 129 characters', { email: 'long@x.test', password: 'p'.repeat(129) }, 'input.password'],
      [
        '129 characters of two code units each',
        { email: 'emoji@x.test', password: '🔑'.repeat(129) },
        'input.password',
      ],
      ['a malformed email', { email: 'not-an-email', password: PASSWORD }, 'input.email'],
      ['an email with a space', { email: 'a b@x.test', password: PASSWORD }, 'input.email'],
      ['an oversized email', { email: `${'a'.repeat(300)}@x.test`, password: PASSWORD }, 'input.email'],
      ['an empty email', { email: '', password: PASSWORD }, 'input.email'],
    ];
    for (const [what, input, field] of registrations) {
      it(`refuses to register ${what}`, async () => {
        const before = await accounts();
        const result = await t.run(RegisterDocument, { input });
        expect(errorsOf(result)).toEqual([{ code: 'BAD_USER_INPUT', field }]);
        expect(await accounts()).toBe(before);
      });
    }

    it('accepts passwords of exactly 8 and 128 characters (code points)', async () => {
      for (const password of ['12345678', 'p'.repeat(128), '🔑'.repeat(8), '🔑'.repeat(128)]) {
        const result = await t.run(RegisterDocument, {
          input: { email: `${uniqueName('b')}@x.test`, password },
        });
        expect(result.errors).toBeUndefined();
      }
    });

    const logins: Array<[string, { email: string; password: string }, string]> = [
      ['an oversized email', { email: `${'a'.repeat(10_000)}@x.test`, password: PASSWORD }, 'email'],
      ['a malformed email', { email: 'nobody', password: PASSWORD }, 'email'],
      ['an oversized password', { email: 'someone@x.test', password: 'p'.repeat(5_000) }, 'password'],
      ['a password too short to be one', { email: 'someone@x.test', password: 'short' }, 'password'],
    ];
    for (const [what, variables, field] of logins) {
      it(`refuses a login with ${what} before any work`, async () => {
        const verify = vi.spyOn(PasswordHasher.prototype, 'verify');
        const hash = vi.spyOn(PasswordHasher.prototype, 'hash');
        try {
          const result = await t.run(LoginDocument, variables);
          expect(errorsOf(result)).toEqual([{ code: 'BAD_USER_INPUT', field }]);
          // No password hash was computed: neither the check nor the dummy one for unknown emails.
          expect(verify).not.toHaveBeenCalled();
          expect(hash).not.toHaveBeenCalled();
        } finally {
          verify.mockRestore();
          hash.mockRestore();
        }
      });
    }

    it('does check the password of a well-formed login (what the spies above would see)', async () => {
      const verify = vi.spyOn(PasswordHasher.prototype, 'verify');
      try {
        await t.run(LoginDocument, { email: 'someone@x.test', password: PASSWORD });
        expect(verify).toHaveBeenCalledTimes(1);
      } finally {
        verify.mockRestore();
      }
    });

    const headers: Array<[string, string]> = [
      ['an empty header', ''],
      ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['no token', 'Bearer '],
      ['a token one character short', `Bearer ${randomBytes(32).toString('base64url').slice(0, 42)}`],
      ['a token with characters outside base64url', `Bearer ${'+/'.repeat(21)}=`],
      ['a token followed by more', `Bearer ${randomBytes(32).toString('base64url')} extra`],
      ['an oversized header', `Bearer ${'a'.repeat(16_000)}`],
      ['an unknown token', `Bearer ${randomBytes(32).toString('base64url')}`],
    ];
    for (const [what, authorization] of headers) {
      it(`answers 401 UNAUTHENTICATED to ${what}, and runs nothing`, async () => {
        const before = await accounts();
        const response = await t.fetch(
          RegisterDocument,
          { input: { email: `${uniqueName('h')}@x.test`, password: PASSWORD } },
          { authorization },
        );
        expect(response.status).toBe(401);
        const body = (await response.json()) as ExecutionResult<unknown>;
        expect(errorsOf(body)).toEqual([{ code: 'UNAUTHENTICATED', field: undefined }]);
        expect(body.data).toBeUndefined();
        expect(await accounts()).toBe(before);
      });
    }

    it('accepts the scheme in any case, as HTTP says', async () => {
      const me = await t.run(MeDocument, {}, { authorization: `bearer ${token}` });
      expect(me.errors).toBeUndefined();
      expect(me.data?.me).not.toBeNull();
    });

    it('refuses the token of a logged-out session on every later request', async () => {
      const signedIn = await t.run(RegisterDocument, {
        input: { email: `${uniqueName('out')}@x.test`, password: PASSWORD },
      });
      const own = { authorization: `Bearer ${signedIn.data?.register.token ?? ''}` };
      expect((await t.run(LogoutDocument, {}, own)).data?.logout).toBe(true);
      expect(errorsOf(await t.run(LogoutDocument, {}, own))).toEqual([
        { code: 'UNAUTHENTICATED', field: undefined },
      ]);
      expect(errorsOf(await t.run(MeDocument, {}, own))).toEqual([
        { code: 'UNAUTHENTICATED', field: undefined },
      ]);
    });

    it('asks for a session to log out', async () => {
      const result = await t.run(LogoutDocument, {});
      expect(errorsOf(result)).toEqual([{ code: 'UNAUTHENTICATED', field: undefined }]);
    });
  });
}
