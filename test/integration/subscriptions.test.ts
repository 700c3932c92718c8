import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import {
  JobUpdatedDocument,
  LeaderboardUpdatedDocument,
  SubmitScoreDocument,
} from '../generated/operations.js';
import {
  cleanupAfterEach,
  deferredInstance,
  deployment,
  embedded,
  next,
  nextData,
  post,
  publishUntil,
  signIn,
  sseSubscribe,
  wsClient,
  wsSubscribe,
} from '../helpers/realtime.js';

const defer = cleanupAfterEach();
const instance = (env: Record<string, string>) => deferredInstance(defer, env);

function client(server: RunningServer, authorization?: string) {
  const c = wsClient(server, authorization);
  defer(() => c.dispose());
  return c;
}

describe('subscriptions across two instances over Redis', () => {
  it('delivers over WebSocket on one instance what a mutation on the other caused', async () => {
    const env = deployment();
    const [a, b] = [await instance(env), await instance(env)];
    const user = await signIn(a);
    const stream = wsSubscribe(client(a), LeaderboardUpdatedDocument, { board: 'cross' });
    await publishUntil(b, user, 'cross', nextData(stream), 'warm');
    const done = post(b, SubmitScoreDocument, { board: 'cross', player: 'zed', score: 1000 }, user);
    for (;;) {
      const event = (await nextData(stream)).leaderboardUpdated;
      if (event.player !== 'zed') continue; // a warm-up event
      expect(event).toEqual({ player: 'zed', score: 1000, rank: 1, previousRank: null });
      break;
    }
    expect((await done).data?.submitScore.rank).toBe(1);
    await stream.return?.();
  });

  it('delivers over SSE on one instance what a mutation on the other caused, with the rank before', async () => {
    const env = deployment();
    const [a, b] = [await instance(env), await instance(env)];
    const user = await signIn(a);
    await post(a, SubmitScoreDocument, { board: 'sse', player: 'ann', score: 10 }, user);
    const stream = await sseSubscribe(b, LeaderboardUpdatedDocument, { board: 'sse' });
    defer(() => stream.return?.());
    expect(stream.status).toBe(200);
    // SSE answers once the subscription is set up, so nothing published after this is missed.
    await post(a, SubmitScoreDocument, { board: 'sse', player: 'bob', score: 20 }, user);
    await post(a, SubmitScoreDocument, { board: 'sse', player: 'ann', score: 30 }, user);
    expect((await nextData(stream)).leaderboardUpdated).toEqual({
      player: 'bob',
      score: 20,
      rank: 1,
      previousRank: null,
    });
    expect((await nextData(stream)).leaderboardUpdated).toEqual({
      player: 'ann',
      score: 30,
      rank: 1,
      previousRank: 2,
    });
  });
});

describe('subscriptions on the embedded default', () => {
  it('serves leaderboardUpdated over WebSocket and SSE from one process', async () => {
    const server = await instance(embedded());
    const user = await signIn(server);
    const sse = await sseSubscribe(server, LeaderboardUpdatedDocument, { board: 'local' });
    defer(() => sse.return?.());
    const ws = wsSubscribe(client(server, user), LeaderboardUpdatedDocument, { board: 'local' });
    const got = await publishUntil(server, user, 'local', nextData(ws));
    expect(got.leaderboardUpdated.player).toBe('p');
    expect((await nextData(sse)).leaderboardUpdated).toMatchObject({
      player: 'p',
      score: 1,
      rank: 1,
      previousRank: null,
    });
    await ws.return?.();
  });
});

describe('subscription authentication', () => {
  it('closes a WebSocket with 4401 Unauthorized when the token is unknown', async () => {
    const server = await instance(embedded());
    const closed = new Promise<number>((resolve) => {
      const c = client(server, 'Bearer not-a-token');
      c.on('closed', (event) => resolve((event as { code: number }).code));
      const stream = wsSubscribe(c, LeaderboardUpdatedDocument, { board: 'x' });
      void stream.next().catch(() => undefined);
    });
    expect(await closed).toBe(4401);
  });

  it('refuses an SSE subscription with an unknown token: 401 and UNAUTHENTICATED', async () => {
    const server = await instance(embedded());
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: 'Bearer nope',
      },
      body: JSON.stringify({ query: 'subscription { leaderboardUpdated(board: "x") { player } }' }),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses jobUpdated to an anonymous WebSocket connection', async () => {
    const server = await instance(embedded());
    const stream = wsSubscribe(client(server), JobUpdatedDocument, { id: '1' });
    const first = await next(stream);
    expect(first.value?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('ends the stream of a session that ended meanwhile, with UNAUTHENTICATED', async () => {
    const server = await instance(embedded());
    const user = await signIn(server);
    const other = await signIn(server);
    const stream = wsSubscribe(client(server, user), LeaderboardUpdatedDocument, { board: 'auth' });
    await publishUntil(server, other, 'auth', nextData(stream));
    const caller = await server.services.accounts.authenticate(user);
    if (caller === null) throw new Error('not signed in');
    await server.services.accounts.logout(caller);
    await post(server, SubmitScoreDocument, { board: 'auth', player: 'p', score: 1000 }, other);
    // Events sent before the logout may still be in flight; the first one after it is refused.
    for (;;) {
      const result = await next(stream);
      if (result.done === true) throw new Error('ended without saying why');
      if (result.value.errors === undefined) continue;
      expect(result.value.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      break;
    }
    expect((await next(stream)).done).toBe(true);
  });
});
