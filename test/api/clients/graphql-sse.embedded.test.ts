import { print } from 'graphql';
import { type Client, createClient, type ExecutionResult } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server.js';
import { LeaderboardUpdatedDocument, MeDocument } from '../../generated/operations.js';
import { embedded, next, signIn, startInstance } from '../../helpers/realtime.js';

type LeaderboardEvent = { leaderboardUpdated: { player: string } };

describe('graphql-sse client', () => {
  let server: RunningServer;
  let authorization: string;
  beforeAll(async () => {
    server = await startInstance(embedded());
    authorization = await signIn(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Subscribes to a board, then scores on it until an event arrives; returns its player. */
  const firstEvent = async (client: Client<boolean>, board: string): Promise<string> => {
    const events = client.iterate<LeaderboardEvent>({
      query: print(LeaderboardUpdatedDocument),
      variables: { board },
    });
    const arrived = next(events, 15_000);
    const scoring = setInterval(() => {
      void server.services.leaderboards.increment({ board, player: 'cleo', by: 1 });
    }, 200);
    try {
      const result = await arrived;
      if (result.done === true) throw new Error('the stream ended');
      return (result.value as ExecutionResult<LeaderboardEvent>).data?.leaderboardUpdated.player ?? '';
    } finally {
      clearInterval(scoring);
      await events.return?.();
    }
  };

  it.each([
    ['single-connection', true],
    ['distinct-connections', false],
  ])('subscribes in %s mode, signed in by its headers', async (_mode, singleConnection) => {
    const client = createClient({
      url: server.url,
      singleConnection,
      headers: { authorization },
      retryAttempts: 0,
    });
    try {
      const me = client.iterate<{ me: { email: string } | null }>({ query: print(MeDocument) });
      const answer = await next(me);
      expect(answer.done).toBe(false);
      expect(answer.value?.data?.me?.email).toMatch(/@example\.test$/);
      await me.return?.();
      expect(await firstEvent(client, `sse-${singleConnection}`)).toBe('cleo');
    } finally {
      client.dispose();
    }
  });

  it('refuses a dead token in single-connection mode, with 401', async () => {
    const response = await fetch(server.url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${'x'.repeat(43)}`, accept: 'application/graphql-response+json' },
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});
