import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import { MAX_BODY_BYTES } from '../../src/plugins/use-hardening.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { embedded, startInstance } from '../helpers/realtime.js';

const ENDPOINT = 'http://docgate.test/graphql';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const codeOf = async (response: Response) => ((await response.json()) as Body).errors?.[0]?.extensions?.code;
const mediaType = (response: Response) => response.headers.get('content-type')?.split(';')[0];

describe('HTTP: GET for queries, JSON for POST, refusals in the media type asked for', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp('embedded');
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (query: string, headers: Record<string, string> = {}) =>
    t.app.fetch(`${ENDPOINT}?query=${encodeURIComponent(query)}`, { headers });

  it('answers a query sent as GET with no extra header, as urql sends it by default', async () => {
    const response = await get('{ leaderboard(board: "g") { size } }', { accept: GRAPHQL_RESPONSE });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { leaderboard: { size: 0 } } });
  });

  it('never runs a mutation from a GET', async () => {
    const response = await get('mutation { submitScore(board: "g", player: "x", score: 1) { rank } }');
    expect(response.status).toBe(405);
    expect(await t.services.leaderboards.size('g')).toBe(0);
  });

  it.each([
    ['text/plain', '{"query":"{ __typename }"}'],
    ['application/x-www-form-urlencoded', 'query=%7B__typename%7D'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ __typename }\r\n--x--',
    ],
    ['application/graphql', '{ __typename }'],
  ])('refuses a POST sent as %s with 415, before it runs', async (type, body) => {
    const response = await t.app.fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': type, accept: GRAPHQL_RESPONSE },
      body,
    });
    expect(response.status).toBe(415);
    expect(mediaType(response)).toBe(GRAPHQL_RESPONSE);
    expect(await codeOf(response)).toBe('BAD_USER_INPUT');
  });

  it('answers a POST of application/json (with a charset too)', async () => {
    const response = await t.app.fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
  });

  it.each([
    [GRAPHQL_RESPONSE, GRAPHQL_RESPONSE],
    [`${GRAPHQL_RESPONSE}, application/json;q=0.9`, GRAPHQL_RESPONSE],
    ['application/json', 'application/json'],
    ['*/*', 'application/json'],
    [null, 'application/json'],
  ])('answers a 401 for Accept %s as %s, with its code', async (accept, expected) => {
    const response = await get('{ __typename }', {
      authorization: `Bearer ${'x'.repeat(43)}`,
      ...(accept === null ? {} : { accept }),
    });
    expect(response.status).toBe(401);
    expect(mediaType(response)).toBe(expected);
    expect(await codeOf(response)).toBe('UNAUTHENTICATED');
  });

  it('answers a 413 in the media type asked for, with its code', async () => {
    const response = await t.app.fetch(ENDPOINT, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE },
      body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(MAX_BODY_BYTES)}` }),
    });
    expect(response.status).toBe(413);
    expect(mediaType(response)).toBe(GRAPHQL_RESPONSE);
    expect(await codeOf(response)).toBe('BAD_USER_INPUT');
  });

  it('answers a 503 in the media type asked for when sessions are unreachable, never as anonymous', async () => {
    const signedIn = await t.signIn();
    // The Redis adapter's failure, on the embedded store: the session check throws Unavailable.
    const touch = vi
      .spyOn(t.backends.sessions, 'touch')
      .mockRejectedValue(new UnavailableError('the session store is unavailable'));
    try {
      const response = await get('{ me { email } }', { ...signedIn, accept: GRAPHQL_RESPONSE });
      expect(touch).toHaveBeenCalled();
      expect(response.status).toBe(503);
      expect(mediaType(response)).toBe(GRAPHQL_RESPONSE);
      const body = (await response.json()) as Body;
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      touch.mockRestore();
    }
    expect((await get('{ me { email } }', signedIn)).status).toBe(200);
  });

  it('answers a 429 in the media type asked for, with its code and retryAfter', async () => {
    const limited = await makeApp('embedded', { RATE_LIMIT_POINTS: '2' });
    try {
      const responses = [];
      for (let i = 0; i < 3; i++)
        responses.push(
          await limited.app.fetch(`${ENDPOINT}?query=%7B__typename%7D`, {
            headers: { accept: GRAPHQL_RESPONSE },
          }),
        );
      const refused = responses[2];
      expect(refused?.status).toBe(429);
      expect(refused && mediaType(refused)).toBe(GRAPHQL_RESPONSE);
      const body = (await refused?.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.errors[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: expect.any(Number),
      });
    } finally {
      await limited.close();
    }
  });
});

describe('HTTP on a listening server', () => {
  it('answers a POST with no length (chunked) with 411 in the media type asked for', async () => {
    const server = await startInstance(embedded());
    try {
      const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = request(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: GRAPHQL_RESPONSE },
        });
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
          );
        });
        req.on('error', reject);
        // Written before end(), so Node sends it chunked, without a length.
        req.write(JSON.stringify({ query: '{ __typename }' }));
        req.end();
      });
      expect(answer.status).toBe(411);
      expect(answer.type.split(';')[0]).toBe(GRAPHQL_RESPONSE);
      expect((JSON.parse(answer.body) as Body).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    } finally {
      await server.close();
    }
  });
});
