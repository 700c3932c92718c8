import { cacheExchange, createClient, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../../src/server.js';
import {
  LeaderboardDocument,
  LeaderboardUpdatedDocument,
  MeDocument,
  SubmitScoreDocument,
} from '../../generated/operations.js';
import { embedded, scoreUntil, signIn, startInstance, wsUrl } from '../../helpers/realtime.js';

describe('urql', () => {
  let server: RunningServer;
  let authorization: string;
  const methods: string[] = [];
  /** The global fetch, noting each request's method. */
  const noting: typeof fetch = async (input, init) => {
    methods.push(init?.method ?? 'GET');
    return fetch(input, init);
  };
  beforeAll(async () => {
    server = await startInstance(embedded());
    authorization = await signIn(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('with its defaults: queries as GET, mutations as POST, error codes readable', async () => {
    const client = createClient({
      url: server.url,
      exchanges: [cacheExchange, fetchExchange],
      fetch: noting,
      fetchOptions: () => ({ headers: { authorization } }),
    });
    methods.length = 0;
    const board = await client.query(LeaderboardDocument, {
      board: 'urql',
      first: 3,
      player: 'x',
      radius: 1,
    });
    expect(board.error).toBeUndefined();
    expect(board.data?.leaderboard.size).toBe(0);
    const scored = await client.mutation(SubmitScoreDocument, { board: 'urql', player: 'ana', score: 5 });
    expect(scored.error).toBeUndefined();
    expect(methods).toEqual(['GET', 'POST']);

    const anonymous = createClient({ url: server.url, exchanges: [fetchExchange], fetch: noting });
    const dead = createClient({
      url: server.url,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${'x'.repeat(43)}` } },
    });
    expect((await anonymous.query(MeDocument, {})).data?.me).toBeNull();
    const refused = await dead.query(MeDocument, {});
    expect(refused.error?.graphQLErrors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('then subscribes over graphql-ws', async () => {
    const ws = createWsClient({
      url: wsUrl(server),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization },
    });
    const client = createClient({
      url: server.url,
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription(request) {
            const input = { ...request, query: request.query ?? '' };
            return { subscribe: (sink) => ({ unsubscribe: ws.subscribe(input, sink) }) };
          },
        }),
      ],
    });
    const players: string[] = [];
    const { unsubscribe } = client
      .subscription(LeaderboardUpdatedDocument, { board: 'urql-live' })
      .subscribe((result) => {
        if (result.data) players.push(result.data.leaderboardUpdated.player);
      });
    await scoreUntil(server, 'urql-live', 'ben', () => players.includes('ben'));
    unsubscribe();
    await ws.dispose();
  });
});
