import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import {
  cleanupAfterEach,
  deferredInstance,
  embedded,
  next,
  signIn,
  sseRequest,
} from '../helpers/realtime.js';
import { codesOf, keptClient, type WsResult, wsRun } from '../helpers/ws-operations.js';

/**
 * A `CustomerFilter`'s values count in the operation's cost with its selection (issue 10, point 3),
 * on every transport. GraphQL Armor's cost model: a field with a selection costs 2 plus 1.5x its
 * children, a scalar 1, all times `first`; so `customers(first: F) { edges { node { id } } }`
 * costs F x (2 + 1.5 x (2 + 1.5 x (2 + 1.5 x 1))) = F x 12.875.
 */
const defer = cleanupAfterEach();

const page = (alias: string, first: number, filter = '') =>
  `${alias}: customers(first: ${first}${filter}) { edges { node { id } } }`;
/** 3 x 1,287.5 + 1,030 = 4,892.5: under the limit (5,000) by 107.5. */
const NEAR_LIMIT = `query Near($filter: CustomerFilter) { ${page('a', 100, ', filter: $filter')} ${page('b', 100)} ${page('c', 100)} ${page('d', 80)} }`;
/** 1,287.5: far under. */
const SMALL = `query Small($filter: CustomerFilter) { ${page('a', 100, ', filter: $filter')} }`;
/** 5 x 1,287.5 = 6,437.5: refused by the armor itself, with no filter. */
const OVER = `{ ${['a', 'b', 'c', 'd', 'e'].map((a) => page(a, 100)).join(' ')} }`;
/** 200 values (2 lists of 100): within the filter's own bound (500 values). */
const FILTER = {
  age: { in: Array.from({ length: 100 }, (_, i) => i) },
  lastName: { in: Array.from({ length: 100 }, (_, i) => `n${i}`) },
};

type Answer = { status: number; result: WsResult };

async function overHttp(server: RunningServer, user: string, query: string, variables = {}): Promise<Answer> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: user },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, result: (await response.json()) as WsResult };
}

async function overWebSocket(
  server: RunningServer,
  user: string,
  query: string,
  variables = {},
): Promise<Answer> {
  const client = keptClient(server, user);
  defer(() => client.dispose());
  return { status: 0, result: await wsRun(client, query, variables) };
}

async function overSse(server: RunningServer, user: string, query: string, variables = {}): Promise<Answer> {
  const stream = await sseRequest<Record<string, unknown>>(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: user },
    body: JSON.stringify({ query, variables }),
  });
  defer(() => stream.return?.());
  return { status: stream.status, result: ((await next(stream)).value ?? {}) as WsResult };
}

for (const [transport, send] of [
  ['HTTP', overHttp],
  ['WebSocket', overWebSocket],
  ['SSE', overSse],
] as const) {
  describe(`filter terms in the operation's cost over ${transport} (embedded)`, () => {
    it('refuses a selection near the limit plus a filter that each pass alone', async () => {
      const server = await deferredInstance(defer, embedded());
      const user = await signIn(server);

      // Each part alone passes.
      expect((await send(server, user, NEAR_LIMIT, { filter: null })).result.errors).toBeUndefined();
      expect((await send(server, user, SMALL, { filter: FILTER })).result.errors).toBeUndefined();

      // The armor's own refusal of a selection over the limit, whose wording the sum's refusal keeps.
      const armor = await send(server, user, OVER);
      expect(armor.result.errors?.[0]?.message).toMatch(/Query Cost limit of 5000 exceeded, found 6437\.5\./);

      const both = await send(server, user, NEAR_LIMIT, { filter: FILTER });
      expect(codesOf(both.result)).toEqual(['BAD_USER_INPUT']);
      expect(both.result.errors?.[0]?.extensions?.field).toBe('filter');
      expect(both.result.errors?.[0]?.message).toBe(
        "Query Cost limit of 5000 exceeded, found 5092.5 (the selection 4892.5, the filter's values 200).",
      );
      expect(both.result.data ?? null).toBeNull();
      if (transport === 'HTTP') expect(both.status).toBe(400);
    });
  });
}
