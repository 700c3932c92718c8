import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateProductDocument, ProductDocument, RateLimitDocument } from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

export const LIMIT = { RATE_LIMIT_POINTS: '5', RATE_LIMIT_WINDOW_SECONDS: '60' };
const NOBODY = '000000000000000000000000';

interface Body {
  data?: { rateLimit?: { limit: number; remaining: number; resetAt: string } } | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const headersOf = (response: Response) => ({
  limit: response.headers.get('RateLimit-Limit'),
  remaining: response.headers.get('RateLimit-Remaining'),
  reset: Number(response.headers.get('RateLimit-Reset')),
});

/** The request rate limit: headers, refusals and the caller it counts, through the app on one backend. */
export function rateLimitSuite(backend: BackendName): void {
  describe(`rate limit (${backend})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeApp(backend, { ...LIMIT, TRUST_PROXY: 'true' });
    });
    afterAll(async () => {
      await t.close();
    });

    const from = (address: string, extra: Record<string, string> = {}) => ({
      'x-forwarded-for': `203.0.113.9, ${address}`,
      ...extra,
    });

    it('spends one point per request, shows it in the headers and in rateLimit, without spending more', async () => {
      const caller = from('198.51.100.1');
      const first = await t.fetch(RateLimitDocument, {}, caller);
      const body = (await first.json()) as Body;
      expect(first.status).toBe(200);
      expect(headersOf(first)).toMatchObject({ limit: '5', remaining: '4' });
      expect(headersOf(first).reset).toBeGreaterThan(55);
      expect(headersOf(first).reset).toBeLessThanOrEqual(60);
      expect(body.data?.rateLimit).toMatchObject({ limit: 5, remaining: 4 });
      const resetAt = Date.parse(body.data?.rateLimit?.resetAt ?? '');
      expect(resetAt).toBeGreaterThan(Date.now() + 55_000);

      const second = await t.fetch(RateLimitDocument, {}, caller);
      expect(headersOf(second).remaining).toBe('3');
      expect(((await second.json()) as Body).data?.rateLimit?.remaining).toBe(3);
      const other = await t.fetch(ProductDocument, { id: NOBODY }, caller);
      expect(headersOf(other)).toMatchObject({ limit: '5', remaining: '2' });
    });

    it('answers 429 with Retry-After and RATE_LIMITED past the limit, and runs nothing', async () => {
      const admin = await t.signIn('ADMIN');
      for (let i = 0; i < 5; i++) expect((await t.fetch(RateLimitDocument, {}, admin)).status).toBe(200);
      const name = uniqueName('refused');
      const refused = await t.fetch(CreateProductDocument, { input: { name, price: 1 } }, admin);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('Retry-After'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(headersOf(refused)).toMatchObject({ limit: '5', remaining: '0' });
      const body = (await refused.json()) as Body;
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((e) => e.extensions)).toEqual([{ code: 'RATE_LIMITED', retryAfter }]);
      const products = await t.services.products.products.count({ name });
      expect(products).toBe(0);
    });

    it('counts a signed-in caller on its account, whatever its address', async () => {
      const user = await t.signIn('USER');
      await t.fetch(RateLimitDocument, {}, from('198.51.100.20', user));
      const moved = await t.fetch(RateLimitDocument, {}, from('198.51.100.21', user));
      expect(headersOf(moved).remaining).toBe('3');
      const anonymous = await t.fetch(RateLimitDocument, {}, from('198.51.100.21'));
      expect(headersOf(anonymous).remaining).toBe('4');
    });

    it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
      const direct = await makeApp(backend, LIMIT);
      try {
        await direct.fetch(RateLimitDocument, {}, from('198.51.100.30'));
        const spoofed = await direct.fetch(RateLimitDocument, {}, from('198.51.100.31'));
        expect(headersOf(spoofed).remaining).toBe('3');
      } finally {
        await direct.close();
      }
    });
  });
}
