import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deployment, startInstance } from '../helpers/realtime.js';
import { persistedQueriesSuite } from './persisted-queries.suite.js';

persistedQueriesSuite('mongodb');

describe('persisted queries shared by instances (Redis)', () => {
  it('runs by hash on one instance what a client registered on another', async () => {
    const shared = deployment();
    const a = await startInstance(shared);
    const b = await startInstance(shared);
    try {
      const query = 'query SharedApq { __typename }';
      const extensions = {
        persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') },
      };
      const post = (url: string, body: unknown) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post(b.url, { extensions })).status).toBe(404);
      expect((await post(a.url, { query, extensions })).status).toBe(200);
      const onB = await post(b.url, { extensions });
      expect(await onB.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
