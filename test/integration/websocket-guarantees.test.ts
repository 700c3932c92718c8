import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { LeaderboardUpdatedDocument } from '../generated/operations.js';
import {
  cleanupAfterEach,
  deferredInstance,
  deployment,
  embedded,
  eventually,
  next,
  signIn,
  sseSubscribe,
} from '../helpers/realtime.js';
import { codesOf, keptClient, rawInit, watchCloses, wsRun } from '../helpers/ws-operations.js';

const defer = cleanupAfterEach();
const instance = (env: Record<string, string>) => deferredInstance(defer, env);

function client(server: RunningServer, authorization?: string) {
  const c = keptClient(server, authorization);
  defer(() => c.dispose());
  return c;
}

const BOARD_EVENTS = 'subscription { leaderboardUpdated(board: "b") { player } }';

for (const [name, env] of [
  ['embedded', embedded],
  ['MongoDB + Redis', deployment],
] as const) {
  describe(`rate limit over WebSocket (${name})`, () => {
    it('spends a point per operation, refuses past the limit with retryAfter, and keeps the socket open', async () => {
      const server = await instance(env({ RATE_LIMIT_POINTS: '4', RATE_LIMIT_WINDOW_SECONDS: '60' }));
      const user = await signIn(server);
      const c = client(server, user);
      const watch = watchCloses(c);
      const first = await wsRun(c, '{ rateLimit { remaining } }');
      expect(first.data).toEqual({ rateLimit: { remaining: 3 } });
      expect(
        (await wsRun(c, 'mutation { submitScore(board: "b", player: "p", score: 1) { rank } }')).data,
      ).toEqual({
        submitScore: { rank: 1 },
      });
      // Over HTTP the same account spends from the same budget.
      const http = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: user },
        body: JSON.stringify({ query: '{ rateLimit { remaining } }' }),
      });
      expect(http.headers.get('RateLimit-Remaining')).toBe('1');
      expect((await wsRun(c, '{ rateLimit { remaining } }')).data).toEqual({ rateLimit: { remaining: 0 } });

      for (const query of ['{ rateLimit { remaining } }', BOARD_EVENTS]) {
        const refused = await wsRun(c, query);
        expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
        const retryAfter = Number(refused.errors?.[0]?.extensions?.retryAfter);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
      }
      expect(watch.closes).toEqual([]);
      expect(server.websocket.connections).toBe(1);
    });
  });
}

describe('sessions on an open WebSocket', () => {
  it('answers UNAUTHENTICATED to the next operation once the session has ended', async () => {
    const server = await instance(embedded());
    const user = await signIn(server);
    const c = client(server, user);
    expect((await wsRun(c, '{ me { role } }')).data).toEqual({ me: { role: 'USER' } });
    const caller = await server.services.accounts.authenticate(user);
    if (caller === null) throw new Error('not signed in');
    await server.services.accounts.logout(caller);
    for (const query of [
      '{ me { role } }',
      'mutation { enqueueJob(type: "send_email", payload: {to: "a@b.test"}) { id } }',
      '{ leaderboard(board: "b") { size } }',
      BOARD_EVENTS,
    ]) {
      expect(codesOf(await wsRun(c, query))).toEqual(['UNAUTHENTICATED']);
    }
  });
});

describe('introspection over WebSocket in production', () => {
  it('is refused as over HTTP, and the connection stays usable', async () => {
    const server = await instance(embedded({ NODE_ENV: 'production' }));
    const c = client(server);
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Query") { name } }']) {
      const refused = await wsRun(c, query);
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.message).toMatch(/introspection/i);
    }
    expect((await wsRun(c, '{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});

describe('query limits over WebSocket', () => {
  it('refuses an operation over a limit with an error for it alone; the connection stays open', async () => {
    const server = await instance(embedded());
    const c = client(server);
    const watch = watchCloses(c);
    const nested = (depth: number): string =>
      depth === 0 ? 'id' : `orders { edges { node { customer { ${nested(depth - 1)} } } } }`;
    const deep = `{ customer(id: "x") { ${nested(3)} } }`;
    const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const tooManyTokens = `{ ${'__typename '.repeat(2100)} }`;
    for (const query of [deep, aliases, tooManyTokens]) {
      const refused = await wsRun(c, query);
      expect(refused.errors?.length).toBeGreaterThan(0);
      expect(codesOf(refused)).not.toContain('INTERNAL_SERVER_ERROR');
    }
    expect((await wsRun(c, '{ __typename }')).data).toEqual({ __typename: 'Query' });
    expect(watch.closes).toEqual([]);
  });
});

describe('the WebSocket credential', () => {
  it('refuses with 4401 a credential of another shape, never falls back to anonymous', async () => {
    const server = await instance(embedded());
    const user = await signIn(server);
    for (const payload of [
      { authorization: 12345 },
      { authorization: { token: user } },
      { authorization: [user] },
      { authorization: null },
      { Authorization: user },
      { AUTHORIZATION: user },
    ]) {
      expect(await rawInit(server.port, payload), JSON.stringify(payload)).toEqual({ close: 4401 });
    }
    expect(await rawInit(server.port, { authorization: user })).toEqual({ ack: true });
    expect(await rawInit(server.port, {})).toEqual({ ack: true });
    expect(await rawInit(server.port, undefined)).toEqual({ ack: true });
  });
});

describe('the WebSocket path', () => {
  it('upgrades /graphql only', async () => {
    const server = await instance(embedded());
    for (const path of ['//graphql', '/foo/graphql', '/graphql/x', '/?a=/graphql', '/GRAPHQL']) {
      const outcome = await rawInit(server.port, {}, path);
      expect(outcome.ack, path).toBeUndefined();
    }
    expect(await rawInit(server.port, {}, '/graphql?x=1')).toEqual({ ack: true });
  });
});

describe('connection limits', () => {
  it('refuses a subscription past WS_MAX_SUBSCRIPTIONS on one connection, and frees its slot when one ends', async () => {
    const server = await instance(embedded({ WS_MAX_SUBSCRIPTIONS: '3' }));
    const c = client(server);
    const watch = watchCloses(c);
    const ends: Array<() => void> = [];
    for (let i = 0; i < 3; i++)
      ends.push(
        c.subscribe(
          { query: BOARD_EVENTS },
          { next: () => undefined, error: () => undefined, complete: () => undefined },
        ),
      );
    const refused = await wsRun(c, BOARD_EVENTS);
    expect(codesOf(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.errors?.[0]?.message).toMatch(/3/);
    ends[0]?.();
    await eventually(
      async () => codesOf(await wsRun(c, '{ __typename }')).length === 0,
      10_000,
      'a free slot',
    );
    expect(watch.closes).toEqual([]);
  });

  it('closes a WebSocket past MAX_CONNECTIONS_PER_CALLER with 4429, per account and per address', async () => {
    const server = await instance(embedded({ MAX_CONNECTIONS_PER_CALLER: '2' }));
    const [alice, bob] = [await signIn(server), await signIn(server)];
    for (let i = 0; i < 2; i++)
      expect(await wsRun(client(server, alice), '{ __typename }')).toHaveProperty('data');
    const third = client(server, alice);
    const watch = watchCloses(third);
    await expect(wsRun(third, '{ __typename }')).rejects.toMatchObject({ code: 4429 });
    expect(watch.closes).toEqual([4429]);
    // Another account is counted on its own; anonymous callers by their address.
    expect(await wsRun(client(server, bob), '{ __typename }')).toHaveProperty('data');
    for (let i = 0; i < 2; i++) expect(await wsRun(client(server), '{ __typename }')).toHaveProperty('data');
    await expect(wsRun(client(server), '{ __typename }')).rejects.toMatchObject({ code: 4429 });
  });

  it('counts SSE streams under the same limit', async () => {
    const server = await instance(embedded({ MAX_CONNECTIONS_PER_CALLER: '2' }));
    const user = await signIn(server);
    const ws = client(server, user);
    expect(await wsRun(ws, '{ __typename }')).toHaveProperty('data');
    const open = await sseSubscribe(
      server,
      LeaderboardUpdatedDocument,
      { board: 'b' },
      { authorization: user },
    );
    defer(() => open.return?.());
    expect(open.status).toBe(200);
    const refused = await sseSubscribe(
      server,
      LeaderboardUpdatedDocument,
      { board: 'b' },
      { authorization: user },
    );
    defer(() => refused.return?.());
    const first = await next(refused);
    expect(first.value?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});

describe('the WebSocket request log', () => {
  it('logs one line per operation with its name, outcome and duration, never its variables', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const server = await startServer(loadConfig(embedded()), createLogger('info', sink));
    defer(() => server.close());
    const c = client(server);
    await wsRun(c, 'query Named($board: String!) { leaderboard(board: $board) { size } }', {
      board: 'secret-variable-value',
    });
    await wsRun(c, 'query Broken { nope }');
    await eventually(() => lines.filter((l) => l.transport === 'ws').length >= 2, 5000, 'two log lines');
    const logged = lines.filter((l) => l.transport === 'ws');
    expect(logged.map((l) => [l.operation, l.outcome])).toEqual([
      ['Named', 'ok'],
      ['Broken', 'error'],
    ]);
    for (const line of logged) expect(typeof line.durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret-variable-value');
  });
});
