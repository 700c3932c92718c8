import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../../helpers/app.js';

/** graphql-http's audit of the GraphQL-over-HTTP spec, with no header of ours on any request. */
describe('graphql-http auditServer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded');
  });
  afterAll(async () => {
    await t.close();
  });

  it('passes every audit, MAY and SHOULD included', async () => {
    const results = await auditServer({
      url: 'http://docgate.test/graphql',
      fetchFn: (input: string, init?: RequestInit) => t.app.fetch(input, init ?? {}),
    });
    const failed = results
      .filter((result) => result.status !== 'ok')
      .map((result) => `${result.id} ${result.name}: ${result.status}`);
    expect(failed).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
  });
});
