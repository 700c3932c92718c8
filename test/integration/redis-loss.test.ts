import { afterEach, describe, expect, it } from 'vitest';
import { subscriptionCounts } from '../../src/plugins/use-fresh-event-context.js';
import type { RunningServer } from '../../src/server.js';
import { LeaderboardUpdatedDocument, SubmitScoreDocument } from '../generated/operations.js';
import {
  deployment,
  eventually,
  next,
  nextData,
  post,
  type Result,
  signIn,
  sseSubscribe,
  startInstance,
  wsClient,
  wsSubscribe,
} from '../helpers/realtime.js';
import { startRedis } from '../helpers/servers.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Publishes to the board until `first` settles (a subscription's start is not observable). */
async function pumpUntil<T>(server: RunningServer, user: string, board: string, first: Promise<T>): Promise<T> {
  let score = 0;
  const pump = setInterval(() => {
    score++;
    void post(server, SubmitScoreDocument, { board, player: 'p', score }, user);
  }, 100);
  return first.finally(() => clearInterval(pump));
}

/** The stream ends, or says SERVICE_UNAVAILABLE once and then ends. */
async function expectEndedByOutage<R>(stream: AsyncIterator<Result<R>>): Promise<void> {
  for (;;) {
    const result = await next(stream, 15_000);
    if (result.done === true) return;
    if (result.value.errors === undefined) continue; // an event sent before the outage
    expect(result.value.errors[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect((await next(stream, 15_000)).done).toBe(true);
    return;
  }
}

describe('Redis lost mid-subscription', () => {
  it('ends open streams cleanly, keeps the process up, and serves new subscriptions once Redis is back', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const server = await startInstance(deployment({ REDIS_URL: redis.url }));
    cleanups.push(() => server.close());
    const user = await signIn(server);

    const client = wsClient(server);
    cleanups.push(() => client.dispose());
    const ws = wsSubscribe(client, LeaderboardUpdatedDocument, { board: 'loss' });
    await pumpUntil(server, user, 'loss', nextData(ws));
    const sse = await sseSubscribe(server, LeaderboardUpdatedDocument, { board: 'loss' });
    cleanups.push(() => sse.return?.());
    await pumpUntil(server, user, 'loss', nextData(sse));

    await redis.stop();
    await expectEndedByOutage(ws);
    await expectEndedByOutage(sse);

    // Still up, and saying so; a subscription attempted meanwhile is refused, not left hanging.
    expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
    const during = wsSubscribe(client, LeaderboardUpdatedDocument, { board: 'loss' });
    const refused = await next(during, 15_000);
    expect(refused.value?.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    await eventually(() => subscriptionCounts(server.services).open === 0, 10_000, 'no stream left open');
    expect(server.backends.realtime.pubsub.stats()).toEqual({ channels: 0, listeners: 0 });

    await redis.start();
    let again = '';
    await eventually(async () => {
      again = again || (await signIn(server).catch(() => ''));
      return again !== '';
    }, 20_000, 'sessions available again');
    // The subscriber connection reconnects in the background: a new subscription works again.
    await eventually(
      async () => {
        const attempt = wsSubscribe(client, LeaderboardUpdatedDocument, { board: 'back' });
        const r = await pumpUntil(server, again, 'back', next(attempt, 15_000));
        await attempt.return?.();
        return r.done !== true && r.value.errors === undefined && r.value.data?.leaderboardUpdated.player === 'p';
      },
      30_000,
      'a new subscription receiving events',
    );
  });
});
