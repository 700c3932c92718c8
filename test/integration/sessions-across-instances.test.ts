import { describe, expect, it } from 'vitest';
import { LoginDocument, LogoutDocument, MeDocument, RegisterDocument } from '../generated/operations.js';
import { makeApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

describe('sessions across instances over one Redis', () => {
  it('accepts a token on every instance, and a logout on one ends it on all', async () => {
    const shared = { MONGODB_DB: uniqueName('sess'), REDIS_PREFIX: `${uniqueName('sess')}:` };
    const a = await makeApp('mongodb', shared);
    const b = await makeApp('mongodb', shared);
    try {
      const email = `${uniqueName('both')}@x.test`;
      await a.run(RegisterDocument, { input: { email, password: 'correct horse battery' } });
      const login = await b.run(LoginDocument, { email, password: 'correct horse battery' });
      const headers = { authorization: `Bearer ${login.data?.login.token ?? ''}` };
      expect((await a.run(MeDocument, {}, headers)).data?.me?.email).toBe(email);
      expect((await b.run(LogoutDocument, {}, headers)).data?.logout).toBe(true);
      const after = await a.run(MeDocument, {}, headers);
      expect(after.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
