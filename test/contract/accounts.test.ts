import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateProductDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  ProductDocument,
  RegisterDocument,
} from '../generated/operations.js';
import { BACKENDS, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

const PASSWORD = 'correct horse battery';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const newEmail = () => `${uniqueName('acc')}@Example.test`;
const codes = (result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  (result.errors ?? []).map((e) => e.extensions?.code);

for (const backend of BACKENDS) {
  describe(`accounts and sessions (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeApp(backend, { LOGIN_MAX_FAILURES: '4' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('registers a USER and signs it in with a 256-bit base64url token', async () => {
      const email = newEmail();
      const before = Date.now();
      const result = await t.run(RegisterDocument, { input: { email, password: PASSWORD, name: 'Ada' } });
      expect(result.errors).toBeUndefined();
      const payload = result.data?.register;
      expect(payload?.user).toMatchObject({ email, role: 'USER' });
      expect(payload?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(payload?.token ?? '', 'base64url')).toHaveLength(32);
      const expiresAt = Date.parse(payload?.expiresAt ?? '');
      expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);

      const me = await t.run(MeDocument, {}, bearer(payload?.token ?? ''));
      expect(me.errors).toBeUndefined();
      expect(me.data?.me).toEqual({ id: payload?.user.id, email, role: 'USER' });
      expect(me.data?.session?.lastActivityAt).toBeDefined();
    });

    it('answers me and session with null for an anonymous caller', async () => {
      const me = await t.run(MeDocument, {});
      expect(me).toEqual({ data: { me: null, session: null } });
    });

    it('logs in with any case of the email and logs out for good', async () => {
      const email = newEmail();
      await t.run(RegisterDocument, { input: { email, password: PASSWORD } });
      const login = await t.run(LoginDocument, { email: email.toUpperCase(), password: PASSWORD });
      expect(login.errors).toBeUndefined();
      const token = login.data?.login.token ?? '';
      expect(login.data?.login.user.email).toBe(email);

      const out = await t.run(LogoutDocument, {}, bearer(token));
      expect(out).toEqual({ data: { logout: true } });
      const after = await t.run(MeDocument, {}, bearer(token));
      expect(codes(after)).toEqual(['UNAUTHENTICATED']);
      // Also on an operation anyone may run: a dead token is never taken as anonymous.
      const product = await t.run(ProductDocument, { id: '000000000000000000000000' }, bearer(token));
      expect(codes(product)).toEqual(['UNAUTHENTICATED']);
    });

    it('refuses a taken email whatever its case, and keeps the first account', async () => {
      const email = newEmail();
      const first = await t.run(RegisterDocument, { input: { email, password: PASSWORD } });
      const again = await t.run(RegisterDocument, {
        input: { email: email.toLowerCase(), password: 'another password' },
      });
      expect(codes(again)).toEqual(['CONFLICT']);
      const login = await t.run(LoginDocument, { email, password: PASSWORD });
      expect(login.data?.login.user.id).toBe(first.data?.register.user.id);
    });

    it('creates one account when the same email registers concurrently', async () => {
      const email = newEmail();
      const results = await Promise.all(
        [1, 2, 3].map((i) => t.run(RegisterDocument, { input: { email, password: `${PASSWORD} ${i}` } })),
      );
      expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
      expect(results.flatMap(codes).sort()).toEqual(['CONFLICT', 'CONFLICT']);
    });

    it('signs in with a token that has its SHA-256, never itself, in the session store', async () => {
      const result = await t.run(RegisterDocument, { input: { email: newEmail(), password: PASSWORD } });
      const token = result.data?.register.token ?? '';
      const hash = createHash('sha256').update(token).digest('hex');
      const redis = t.backends.redis;
      if (redis === null) {
        expect(await t.backends.sessions.touch(hash, new Date(), 60)).not.toBeNull();
        expect(await t.backends.sessions.touch(token, new Date(), 60)).toBeNull();
        return;
      }
      const keys = await redis.keys(`${t.backends.config.REDIS_PREFIX}*`);
      const dump = [...keys, ...(await Promise.all(keys.map((k) => redis.dump(k))))].join('\n');
      expect(keys).toContain(`${t.backends.config.REDIS_PREFIX}session:${hash}`);
      expect(dump).not.toContain(token);
    });

    it('lets the ADMIN of the settings in, with ADMIN rights', async () => {
      const email = newEmail();
      const other = await makeApp(backend, { ADMIN_EMAIL: email, ADMIN_PASSWORD: 'admin password 1' });
      try {
        const login = await other.run(LoginDocument, { email, password: 'admin password 1' });
        expect(login.data?.login.user.role).toBe('ADMIN');
        const created = await other.run(
          CreateProductDocument,
          { input: { name: 'Lamp', price: 10 } },
          bearer(login.data?.login.token ?? ''),
        );
        expect(created.errors).toBeUndefined();
      } finally {
        await other.close();
      }
    });
  });
}
