import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scanTargets } from '../../src/datasources/redis/slots.js';
import { PasswordHasher } from '../../src/services/passwords.js';
import {
  CreateProductDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  ProductDocument,
  RegisterDocument,
} from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';
import { withRedisOf } from '../helpers/redis.js';

const PASSWORD = 'correct horse battery';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const newEmail = () => `${uniqueName('acc')}@Example.test`;
const codes = (result: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }) =>
  (result.errors ?? []).map((e) => e.extensions?.code);

/** The account and session operations of the contract, through the app on one backend. */
export function accountsSuite(backend: BackendName): void {
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
      await withRedisOf(t.backends.config, async (redis) => {
        if (redis === null) {
          expect(await t.backends.sessions.touch(hash, new Date(), 60)).not.toBeNull();
          expect(await t.backends.sessions.touch(token, new Date(), 60)).toBeNull();
          return;
        }
        // On a cluster, each master holds some of the keys.
        const perNode = await Promise.all(
          scanTargets(redis).map((node) => node.keys(`${t.backends.config.REDIS_PREFIX}*`)),
        );
        const keys = perNode.flat();
        const dump = [...keys, ...(await Promise.all(keys.map((k) => redis.dump(k))))].join('\n');
        expect(keys).toContain(`${t.backends.config.REDIS_PREFIX}session:${hash}`);
        expect(dump).not.toContain(token);
      });
    });

    it('answers a wrong password and an unknown email alike, in content and in work', async () => {
      // Distinct emails, so that no attempt is slowed down by the throttle.
      const known = [newEmail(), newEmail(), newEmail()];
      for (const email of known) await t.services.accounts.create({ email, password: PASSWORD }, 'USER');
      // What decides the time of a login is its one scrypt check: an unknown email must pay one too,
      // against a hash of the same cost parameters (the part before the salt), or it answers faster.
      const verify = vi.spyOn(PasswordHasher.prototype, 'verify');
      const attempt = async (email: string) => {
        verify.mockClear();
        const result = await t.run(LoginDocument, { email, password: 'not the password' });
        const checked = verify.mock.calls.map(([, stored]) => stored.split('$').slice(0, 4).join('$'));
        return { result, checked };
      };
      try {
        const wrong = [];
        const unknown = [];
        for (const email of known) {
          wrong.push(await attempt(email));
          unknown.push(await attempt(newEmail()));
        }
        for (const { result } of [...wrong, ...unknown]) expect(result).toEqual(wrong[0]?.result);
        expect(codes(wrong[0]?.result ?? {})).toEqual(['UNAUTHENTICATED']);
        const cost = wrong[0]?.checked;
        expect(cost).toHaveLength(1);
        for (const { checked } of [...wrong, ...unknown]) expect(checked).toEqual(cost);
      } finally {
        verify.mockRestore();
      }
    });

    it('slows repeated failures for an email down, then refuses even the right password', async () => {
      const email = newEmail();
      await t.services.accounts.create({ email, password: PASSWORD }, 'USER');
      const times = [];
      for (let i = 0; i < 4; i++) {
        const started = performance.now();
        const failed = await t.run(LoginDocument, { email, password: 'wrong password' });
        times.push(performance.now() - started);
        expect(codes(failed)).toEqual(['UNAUTHENTICATED']);
      }
      // LOGIN_MAX_FAILURES=4: the 3rd and 4th attempts wait 250 and 500 ms before the hash check
      // (lower bounds only: the hash itself takes a varying time on a busy machine).
      expect(times[2]).toBeGreaterThanOrEqual(250);
      expect(times[3]).toBeGreaterThanOrEqual(500);

      const refused = await t.run(LoginDocument, { email, password: PASSWORD });
      expect(codes(refused)).toEqual(['RATE_LIMITED']);
      const retryAfter = Number(refused.errors?.[0]?.extensions?.retryAfter);
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
      // Another email is not affected.
      const other = newEmail();
      await t.services.accounts.create({ email: other, password: PASSWORD }, 'USER');
      expect((await t.run(LoginDocument, { email: other, password: PASSWORD })).errors).toBeUndefined();
    });

    it('forgets failures after a successful login', async () => {
      const email = newEmail();
      await t.services.accounts.create({ email, password: PASSWORD }, 'USER');
      for (let i = 0; i < 3; i++) await t.run(LoginDocument, { email, password: 'wrong password' });
      expect((await t.run(LoginDocument, { email, password: PASSWORD })).errors).toBeUndefined();
      for (let i = 0; i < 3; i++)
        expect(codes(await t.run(LoginDocument, { email, password: 'wrong password' }))).toEqual([
          'UNAUTHENTICATED',
        ]);
    });

    it('slides a session with use and ends it after SESSION_TTL_SECONDS without use', async () => {
      const short = await makeApp(backend, { SESSION_TTL_SECONDS: '2' });
      try {
        const signedIn = await short.run(RegisterDocument, {
          input: { email: newEmail(), password: PASSWORD },
        });
        const token = signedIn.data?.register.token ?? '';
        const firstExpiry = Date.parse(signedIn.data?.register.expiresAt ?? '');
        await sleep(1_200);
        const used = await short.run(MeDocument, {}, bearer(token));
        expect(used.errors).toBeUndefined();
        const session = used.data?.session;
        expect(Date.parse(session?.expiresAt ?? '')).toBeGreaterThan(firstExpiry + 1_000);
        expect(Date.parse(session?.expiresAt ?? '') - Date.parse(session?.lastActivityAt ?? '')).toBe(2_000);
        await sleep(1_200); // 2.4 s after sign-in: alive because it was used
        expect((await short.run(MeDocument, {}, bearer(token))).errors).toBeUndefined();
        await sleep(2_200);
        expect(codes(await short.run(MeDocument, {}, bearer(token)))).toEqual(['UNAUTHENTICATED']);
      } finally {
        await short.close();
      }
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
