import { describe, expect, it } from 'vitest';
import { RateLimitDocument } from '../generated/operations.js';
import { makeApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';
import { LIMIT, rateLimitSuite } from './rate-limit.suite.js';

rateLimitSuite('mongodb');

describe('rate limit shared by instances (Redis)', () => {
  it('gives one account one budget over every instance', async () => {
    const shared = { ...LIMIT, MONGODB_DB: uniqueName('rl'), REDIS_PREFIX: `${uniqueName('rl')}:` };
    const a = await makeApp('mongodb', shared);
    const b = await makeApp('mongodb', shared);
    try {
      const user = await a.signIn('USER');
      const statuses = [];
      for (const app of [a, b, a, b, a, b])
        statuses.push((await app.fetch(RateLimitDocument, {}, user)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
