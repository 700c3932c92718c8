import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';

describe('/metrics labels only operations the server knows (embedded)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: unknown) =>
    t.app.fetch('http://docgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const metrics = async () => (await t.app.fetch('http://docgate.test/metrics')).text();

  it('counts unknown operation names and error paths under `other`, known ones by name', async () => {
    for (let i = 0; i < 40; i++) {
      await post({ query: `query Junk${i}x { __typename }` });
      await post({ query: `query Me { x${i}y: me { id } }`, operationName: `Junk${i}x` });
      // An alias is a path of the errors it holds; an anonymous caller may not read a job.
      await post({ query: `{ e${i}z: job(id: "1") { id } }` });
    }
    await post({ query: 'query Me { me { id } }' });
    const text = await metrics();
    expect(text).not.toMatch(/Junk\d+x/);
    expect(text).not.toMatch(/e\d+z/);
    expect(text).toContain('operationName="Me"');
    expect(text).toContain('operationName="other"');
    const series = text
      .split('\n')
      .filter((line) => line.startsWith('graphql_envelop_request_duration_count'));
    // Me, other, Anonymous: one series each, whatever the 120 names sent.
    expect(series.length).toBeLessThanOrEqual(3);
  });
});
