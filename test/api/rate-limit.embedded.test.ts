import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { LIMIT, rateLimitSuite } from './rate-limit.suite.js';

rateLimitSuite('embedded');

describe('rate limit and caller on every path Yoga serves the endpoint on', () => {
  it('limits and authenticates /graphql/ like /graphql', async () => {
    const t = await makeApp('embedded', LIMIT);
    try {
      const user = await t.signIn('USER');
      const post = (headers: Record<string, string>) =>
        t.app.fetch('http://docgate.test/graphql/', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: '{ me { role } rateLimit { remaining } }' }),
        });
      const signedIn = await post(user);
      expect(signedIn.headers.get('RateLimit-Remaining')).toBe('4');
      expect(await signedIn.json()).toEqual({ data: { me: { role: 'USER' }, rateLimit: { remaining: 4 } } });
      const dead = await post({ authorization: `Bearer ${'x'.repeat(43)}` });
      expect(dead.status).toBe(401);
    } finally {
      await t.close();
    }
  });
});
