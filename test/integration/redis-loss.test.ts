import { describe, expect, it } from 'vitest';
import { subscriptionCounts } from '../../src/plugins/use-shared-subscriptions.js';
import { LeaderboardUpdatedDocument } from '../generated/operations.js';
import {
  cleanupAfterEach,
  deployment,
  eventually,
  next,
  nextData,
  publishUntil,
  type Result,
  signIn,
  sseSubscribe,
  startInstance,
  wsClient,
  wsSubscribe,
} from '../helpers/realtime.js';
import { startRedis } from '../helpers/servers.js';

const defer = cleanupAfterEach();

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
    defer(() => redis.stop());
    const server = await startInstance(deployment({ REDIS_URL: redis.url }));
    defer(() => server.close());
    const user = await signIn(server);

    const client = wsClient(server);
    defer(() => client.dispose());
    const ws = wsSubscribe(client, LeaderboardUpdatedDocument, { board: 'loss' });
    await publishUntil(server, user, 'loss', nextData(ws));
    const sse = await sseSubscribe(server, LeaderboardUpdatedDocument, { board: 'loss' });
    defer(() => sse.return?.());
    await publishUntil(server, user, 'loss', nextData(sse));

    await redis.stop();
    await expectEndedByOutage(ws);
    await expectEndedByOutage(sse);

    // Still up, and saying so; a subscription attempted meanwhile is refused, not left hanging.
    expect((await fetch(`http://127.0.0.1:${server.port}/health`)).status).toBe(200);
    const during = wsSubscribe(client, LeaderboardUpdatedDocument, { board: 'loss' });
    const refused = await next(during, 15_000);
    expect(refused.value?.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    await eventually(() => subscriptionCounts(server.services).open === 0, 10_000, 'no stream left open');
    expect(server.backends.pubsub.stats()).toEqual({ channels: 0, listeners: 0 });

    await redis.start();
    let again = '';
    await eventually(
      async () => {
        again = again || (await signIn(server).catch(() => ''));
        return again !== '';
      },
      20_000,
      'sessions available again',
    );
    // The subscriber connection reconnects in the background: a new subscription works again.
    await eventually(
      async () => {
        const attempt = wsSubscribe(client, LeaderboardUpdatedDocument, { board: 'back' });
        const r = await publishUntil(server, again, 'back', next(attempt, 15_000));
        await attempt.return?.();
        return (
          r.done !== true && r.value.errors === undefined && r.value.data?.leaderboardUpdated.player === 'p'
        );
      },
      30_000,
      'a new subscription receiving events',
    );
    // Open streams first try to get their feed back (services/resume.ts, 5 s) before they end.
  }, 60_000);
});
