import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument, MeDocument, RegisterDocument } from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

// As in shared/contract/next.graphql (Accounts).
const LogoutAllDocument = parse('mutation LogoutAll { logoutAll }') as TypedDocumentNode<
  { logoutAll: boolean },
  Record<string, never>
>;
const ChangePasswordDocument = parse(
  'mutation ChangePassword($current: String!, $new: String!) { changePassword(current: $current, new: $new) }',
) as TypedDocumentNode<{ changePassword: boolean }, { current: string; new: string }>;

const PASSWORD = 'correct horse battery';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const codes = (result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  (result.errors ?? []).map((e) => e.extensions?.code);

export function logoutAllSuite(backend: BackendName): void {
  describe(`logoutAll and changePassword (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeApp(backend);
    });
    afterAll(async () => {
      await t.close();
    });

    /** A new account with `n` sessions: its email and their tokens. */
    async function account(n: number): Promise<{ email: string; tokens: string[] }> {
      const email = `${uniqueName('all')}@example.test`;
      const registered = await t.run(RegisterDocument, { input: { email, password: PASSWORD } });
      const tokens = [registered.data?.register.token ?? ''];
      for (let i = 1; i < n; i++)
        tokens.push((await t.run(LoginDocument, { email, password: PASSWORD })).data?.login.token ?? '');
      return { email, tokens };
    }
    const status = async (token: string) => (await t.fetch(MeDocument, {}, bearer(token))).status;

    it("logoutAll ends every session of the account, and no other account's", async () => {
      const mine = await account(3);
      const other = await account(1);
      expect(await t.run(LogoutAllDocument, {}, bearer(mine.tokens[0] ?? ''))).toEqual({
        data: { logoutAll: true },
      });
      for (const token of mine.tokens) expect(await status(token)).toBe(401);
      expect(await status(other.tokens[0] ?? '')).toBe(200);
      expect(codes(await t.run(LogoutAllDocument, {}, {}))).toEqual(['UNAUTHENTICATED']);
    }, 180_000);

    it('changePassword checks the current one, sets the new one and ends every other session', async () => {
      const { email, tokens } = await account(2);
      const [mine = '', elsewhere = ''] = tokens;
      const NEW = 'a brand new passphrase';
      const wrong = await t.run(
        ChangePasswordDocument,
        { current: 'not the password', new: NEW },
        bearer(mine),
      );
      expect(codes(wrong)).toEqual(['UNAUTHENTICATED']);
      const short = await t.run(ChangePasswordDocument, { current: PASSWORD, new: 'short' }, bearer(mine));
      expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'new' });
      expect(await status(elsewhere)).toBe(200);

      const changed = await t.run(ChangePasswordDocument, { current: PASSWORD, new: NEW }, bearer(mine));
      expect(changed).toEqual({ data: { changePassword: true } });
      expect(await status(mine)).toBe(200);
      expect(await status(elsewhere)).toBe(401);
      expect(codes(await t.run(LoginDocument, { email, password: PASSWORD }))).toEqual(['UNAUTHENTICATED']);
      expect((await t.run(LoginDocument, { email, password: NEW })).errors).toBeUndefined();
    }, 180_000);
  });
}
