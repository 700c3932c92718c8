import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { makeApp, type TestApp } from '../helpers/app.js';

const ELSEWHERE = [
  '//graphql',
  '/foo/graphql',
  '/?a=/graphql',
  '/x?y=/graphql/',
  '/graphql/x',
  '/GRAPHQL',
  '/foo/ready',
];

describe('GraphQL is served on /graphql alone', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded', { RATE_LIMIT_POINTS: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string) =>
    t.app.fetch(`http://docgate.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

  it('answers 404 on any other path, however it ends, and never runs the operation', async () => {
    // More requests than the limit allows: none of them is served, so none is limited either.
    for (const path of [...ELSEWHERE, ...ELSEWHERE]) {
      const response = await post(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).toBe('');
    }
  });

  it('serves /graphql, /graphql/ and a query string on them', async () => {
    for (const path of ['/graphql', '/graphql/', '/graphql?x=1']) {
      const response = await post(path);
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    }
  });

  it('answers /health on that path alone', async () => {
    const get = (path: string) => t.app.fetch(`http://docgate.test${path}`);
    expect((await get('/health')).status).toBe(200);
    for (const path of ['/foo/health', '//health', '/?next=/health', '/x?y=/health', '/health/x']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('renders GraphiQL on /graphql only', async () => {
    const app = createApp({ services: t.services, logger: createLogger('silent'), graphiql: true });
    const page = (path: string) =>
      app.fetch(`http://docgate.test${path}`, { headers: { accept: 'text/html' } });
    expect((await page('/graphql')).status).toBe(200);
    for (const path of ELSEWHERE) expect((await page(path)).status, path).toBe(404);
  });
});
