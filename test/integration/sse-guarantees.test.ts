import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import {
  cleanupAfterEach,
  deferredInstance,
  embedded,
  next,
  type SseStream,
  signIn,
  sseRequest,
} from '../helpers/realtime.js';

/**
 * The SSE rows of README's "Security: what each transport enforces", on each way GraphQL over SSE
 * arrives: a POST asking for `text/event-stream`, a browser EventSource's GET, and graphql-sse's
 * single-connection mode (a PUT reserves a stream, each operation is a POST naming it).
 */
const defer = cleanupAfterEach();
const instance = (env: Record<string, string>) => deferredInstance(defer, env);

type Answer = { errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> };

const INTROSPECTION = '{ __schema { types { name } } }';
const nested = (depth: number): string =>
  depth === 0 ? 'id' : `orders { edges { node { customer { ${nested(depth - 1)} } } } }`;
const TOO_DEEP = `{ customer(id: "x") { ${nested(3)} } }`;
const TOO_MANY_ALIASES = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ')} }`;

function open<R>(server: RunningServer, init: RequestInit, path = ''): Promise<SseStream<R>> {
  return sseRequest<R>(`${server.url}${path}`, init).then((stream) => {
    defer(() => stream.return?.());
    return stream;
  });
}

/** Distinct-connections mode by POST: its status, and its first event when read. */
async function ssePost(server: RunningServer, query: string, authorization?: string) {
  const stream = await open<unknown>(server, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ query }),
  });
  return { status: stream.status, first: async () => (await next(stream)).value as Answer | undefined };
}

/** A browser EventSource: a GET with the token in the query string. */
async function sseGet(server: RunningServer, query: string, token?: string) {
  const params = new URLSearchParams({ query, ...(token === undefined ? {} : { access_token: token }) });
  const stream = await open<unknown>(server, { headers: { accept: 'text/event-stream' } }, `?${params}`);
  return { status: stream.status, first: async () => (await next(stream)).value as Answer | undefined };
}

/** graphql-sse's single-connection mode: reserves a stream and connects it; `post` sends an operation on it. */
async function singleConnection(server: RunningServer, authorization?: string) {
  const auth: Record<string, string> = authorization === undefined ? {} : { authorization };
  const reserved = await fetch(server.url, { method: 'PUT', headers: auth });
  expect(reserved.status).toBe(201);
  const token = await reserved.text();
  const stream = await open<unknown>(
    server,
    { headers: { accept: 'text/event-stream', ...auth } },
    `?${new URLSearchParams({ token })}`,
  );
  expect(stream.status).toBe(200);
  let id = 0;
  return {
    async post(query: string): Promise<{ status: number; body: string }> {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-graphql-event-stream-token': token,
          ...auth,
        },
        body: JSON.stringify({ query, extensions: { operationId: `op${id++}` } }),
      });
      return { status: response.status, body: await response.text() };
    },
  };
}

describe('introspection over SSE in production', () => {
  it('is refused in every SSE mode, as over HTTP and WebSocket', async () => {
    const server = await instance(embedded({ NODE_ENV: 'production' }));
    for (const answer of [await ssePost(server, INTROSPECTION), await sseGet(server, INTROSPECTION)]) {
      const first = await answer.first();
      expect(first?.errors?.[0]?.message).toMatch(/introspection/i);
      expect(JSON.stringify(first)).not.toContain('"Query"');
    }
    const single = await singleConnection(server);
    const refused = await single.post(INTROSPECTION);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatch(/introspection/i);
    expect((await single.post('{ __typename }')).status).toBe(202);
  });
});

describe('query limits over SSE', () => {
  it('refuses an operation over a limit in every SSE mode with a client error, never a 500 or a stack', async () => {
    const server = await instance(embedded());
    for (const query of [TOO_DEEP, TOO_MANY_ALIASES]) {
      for (const answer of [await ssePost(server, query), await sseGet(server, query)]) {
        expect(answer.status).toBeLessThan(500);
        expect((await answer.first())?.errors?.[0]?.message).toMatch(/limit/i);
      }
      const single = await singleConnection(server);
      const refused = await single.post(query);
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body).errors[0].message).toMatch(/limit/i);
      expect(refused.body).not.toMatch(/\bat \w+/);
    }
  });
});

/**
 * A request past the caller's budget as an SSE client sees it: read by hand, as the refusal may
 * come as a plain JSON body (429) rather than as an event.
 */
async function refusedRequest(server: RunningServer, init: RequestInit, path = '') {
  const response = await fetch(`${server.url}${path}`, init);
  const body = await response.text();
  const json = body.startsWith('{') ? body : (/^data: *(.*)$/m.exec(body)?.[1] ?? '{}');
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    answer: JSON.parse(json) as Answer,
  };
}

describe('rate limit over SSE', () => {
  const SPEND = '{ rateLimit { remaining } }';
  for (const mode of ['POST', 'EventSource GET'] as const) {
    it(`refuses a ${mode} stream past the caller's limit with RATE_LIMITED and retryAfter`, async () => {
      const server = await instance(embedded({ RATE_LIMIT_POINTS: '2', RATE_LIMIT_WINDOW_SECONDS: '60' }));
      const user = await signIn(server);
      const token = user.slice('Bearer '.length);
      const send = () => (mode === 'POST' ? ssePost(server, SPEND, user) : sseGet(server, SPEND, token));
      // Each stream spends one of the account's 2 points.
      for (const remaining of [1, 0]) {
        const answer = await send();
        expect(answer.status).toBe(200);
        expect(await answer.first()).toEqual({ data: { rateLimit: { remaining } } });
      }
      const refused =
        mode === 'POST'
          ? await refusedRequest(server, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                accept: 'text/event-stream',
                authorization: user,
              },
              body: JSON.stringify({ query: SPEND }),
            })
          : await refusedRequest(
              server,
              { headers: { accept: 'text/event-stream' } },
              `?${new URLSearchParams({ query: SPEND, access_token: token })}`,
            );
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      const error = refused.answer.errors?.[0];
      expect(error?.extensions?.code).toBe('RATE_LIMITED');
      expect(Number(error?.extensions?.retryAfter)).toBeGreaterThanOrEqual(1);
      // The budget was the account's, not the address's: another account from here still gets its answer.
      const other = await signIn(server);
      const theirs = await (mode === 'POST'
        ? ssePost(server, SPEND, other)
        : sseGet(server, SPEND, other.slice('Bearer '.length)));
      expect(await theirs.first()).toEqual({ data: { rateLimit: { remaining: 1 } } });
    });
  }
});
