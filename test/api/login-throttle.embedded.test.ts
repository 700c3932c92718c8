import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument } from '../generated/operations.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';
import { loginThrottleSuite } from './login-throttle.suite.js';

const newEmail = () => `${uniqueName('thr')}@example.test`;
const from = (address: string) => ({ 'x-forwarded-for': address });
type Answer = { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> };
const codeOf = (result: Answer) => result.errors?.[0]?.extensions?.code ?? 'OK';
const tally = (results: Answer[]) => {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const code = String(codeOf(result));
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
};

loginThrottleSuite('embedded');

describe('login throttle per client address (embedded)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded', { TRUST_PROXY: 'true', LOGIN_ADDRESS_MAX_FAILURES: '4' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('spends a point of the address before hashing: 12 logins at once, 4 checked, 8 refused', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        t.run(LoginDocument, { email: newEmail(), password: 'wrong password' }, from('203.0.113.9')),
      ),
    );
    expect(tally(results)).toEqual({ UNAUTHENTICATED: 4, RATE_LIMITED: 8 });
    for (const result of results.filter((r) => codeOf(r) === 'RATE_LIMITED'))
      expect(Number(result.errors?.[0]?.extensions?.retryAfter)).toBeGreaterThanOrEqual(1);
    // Another address is not affected.
    const other = await t.run(
      LoginDocument,
      { email: newEmail(), password: 'wrong password' },
      from('198.51.100.9'),
    );
    expect(codeOf(other)).toBe('UNAUTHENTICATED');
  }, 120_000);
});

describe('password hashing is bounded (embedded)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded', {
      TRUST_PROXY: 'true',
      PASSWORD_HASH_CONCURRENCY: '2',
      PASSWORD_HASH_QUEUE: '4',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses logins past the hashing queue with RATE_LIMITED instead of queueing them all', async () => {
    // 40 logins from 40 addresses for 40 emails: no throttle applies, only the hashing pool's bound.
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.run(LoginDocument, { email: newEmail(), password: 'wrong password' }, from(`192.0.2.${i + 1}`)),
      ),
    );
    const counts = tally(results);
    expect(Object.keys(counts).sort()).toEqual(['RATE_LIMITED', 'UNAUTHENTICATED']);
    // At most 2 hashing + 4 waiting at any moment; answers free slots, so a few more than 6 may get in.
    expect(counts.RATE_LIMITED).toBeGreaterThanOrEqual(20);
    for (const result of results.filter((r) => codeOf(r) === 'RATE_LIMITED'))
      expect(Number(result.errors?.[0]?.extensions?.retryAfter)).toBeGreaterThanOrEqual(1);
    // Once they are answered, a login is checked again.
    const after = await t.run(
      LoginDocument,
      { email: newEmail(), password: 'wrong password' },
      from('192.0.2.200'),
    );
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
  }, 120_000);
});
