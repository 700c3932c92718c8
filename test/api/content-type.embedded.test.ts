import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../helpers/app.js';

describe('POST bodies are JSON only (embedded)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (contentType: string, body: string) =>
    t.app.fetch('http://docgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  it.each([
    ['application/graphql', '{ __typename }'],
    ['application/x-www-form-urlencoded', 'query=%7B__typename%7D'],
    ['text/plain', '{"query":"{ __typename }"}'],
  ])('refuses a %s body with 415 and a contract error', async (contentType, body) => {
    const response = await post(contentType, body);
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });

  it('answers an application/json body, with or without a charset', async () => {
    for (const contentType of ['application/json', 'application/json; charset=utf-8']) {
      const response = await post(contentType, '{"query":"{ __typename }"}');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    }
  });
});
