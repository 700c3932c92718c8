import { describe, expect, it } from 'vitest';
import { subscriptionCounts } from '../../src/plugins/use-shared-subscriptions.js';
import type { RunningServer } from '../../src/server.js';
import {
  EnqueueJobDocument,
  JobUpdatedDocument,
  LeaderboardUpdatedDocument,
  SubmitScoreDocument,
} from '../generated/operations.js';
import {
  cleanupAfterEach,
  deferredInstance,
  deployment,
  embedded,
  eventually,
  nextData,
  post,
  signIn,
  sseSubscribe,
  wsClient,
  wsSubscribe,
} from '../helpers/realtime.js';
import { withRedisOf } from '../helpers/redis.js';

const defer = cleanupAfterEach();

const CLIENTS = 20;
const PER_CLIENT = 100; // 2000 subscriptions per round
const BOARDS = 50;

/** Everything a subscription holds, on this instance and (when on Redis) in Redis. */
async function held(server: RunningServer) {
  const { pubsub, config } = server.backends;
  const channels = await withRedisOf(config, async (redis) =>
    redis === null ? [] : redis.pubsub('CHANNELS', `${config.REDIS_PREFIX}*`),
  );
  return {
    ...subscriptionCounts(server.services),
    ...pubsub.stats(),
    jobWatchers: server.services.jobs.watchers,
    presence: server.services.presence.held,
    sockets: server.websocket.connections,
    redisChannels: Array.isArray(channels) ? channels.length : -1,
  };
}

const NOTHING = {
  settingUp: 0,
  open: 0,
  channels: 0,
  listeners: 0,
  jobWatchers: 0,
  presence: 0,
  sockets: 0,
  redisChannels: 0,
};

async function expectNothingHeld(server: RunningServer): Promise<void> {
  let last: Awaited<ReturnType<typeof held>> | undefined;
  await eventually(
    async () => {
      last = await held(server);
      return JSON.stringify(last) === JSON.stringify(NOTHING);
    },
    30_000,
    'every subscription released',
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; still held: ${JSON.stringify(last)}`);
  });
  expect(await held(server)).toEqual(NOTHING);
}

for (const [backend, env] of [
  ['embedded', embedded],
  ['Redis', deployment],
] as const) {
  describe(`no leaks (${backend})`, () => {
    it('releases everything when thousands of clients leave before their first event', async () => {
      const server = await deferredInstance(defer, env());
      const user = await signIn(server);
      for (let c = 0; c < CLIENTS; c++) {
        const client = wsClient(server, user);
        for (let s = 0; s < PER_CLIENT; s++) {
          const stream = wsSubscribe(client, LeaderboardUpdatedDocument, {
            board: `leak-${(c * PER_CLIENT + s) % BOARDS}`,
          });
          void stream.next().catch(() => undefined);
        }
        // Gone while its subscriptions are still being set up, or just after.
        if (c % 2 === 0) await client.dispose();
        else setTimeout(() => void client.dispose(), 5);
      }
      await expectNothingHeld(server);
    });

    it('releases everything when clients leave in the middle of their streams, over WebSocket and SSE', async () => {
      // One caller holds 10 sockets of 120 operations and 50 SSE streams: past the default limits.
      const server = await deferredInstance(
        defer,
        env({ MAX_CONNECTIONS_PER_CALLER: '100', WS_MAX_SUBSCRIPTIONS: '200' }),
      );
      const user = await signIn(server);
      const streams: Array<AsyncIterableIterator<unknown>> = [];
      const clients = Array.from({ length: 10 }, () => wsClient(server, user));
      const wsStreams = clients.flatMap((client, c) =>
        Array.from({ length: 100 }, (_, s) =>
          wsSubscribe(client, LeaderboardUpdatedDocument, { board: `mid-${(c * 100 + s) % 10}` }),
        ),
      );
      const sse = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          sseSubscribe(server, LeaderboardUpdatedDocument, { board: `mid-${i % 10}` }),
        ),
      );
      streams.push(...wsStreams, ...sse);
      // Each stream gets at least one event; publish until all have.
      const firsts = Promise.all(
        wsStreams.map((s) => nextData(s, 30_000)).concat(sse.map((s) => nextData(s, 30_000))),
      );
      let round = 0;
      const pump = setInterval(() => {
        round++;
        for (let b = 0; b < 10; b++)
          // A publish still in flight when the test moves on may fail; the next round publishes again.
          post(server, SubmitScoreDocument, { board: `mid-${b}`, player: 'p', score: round }, user).catch(
            () => undefined,
          );
      }, 100);
      await firsts.finally(() => clearInterval(pump));
      const job = await post(
        server,
        EnqueueJobDocument,
        { type: 'generate_report', payload: { report: 'customersByCity' } },
        user,
      );
      const jobStreams = Array.from({ length: 20 }, () =>
        wsSubscribe(clients[0] ?? wsClient(server, user), JobUpdatedDocument, {
          id: job.data?.enqueueJob.id ?? '',
        }),
      );
      for (const s of jobStreams) void s.next().catch(() => undefined);
      await Promise.all(sse.map((s) => s.return?.()));
      await Promise.all(clients.map((c) => c.dispose()));
      await expectNothingHeld(server);
    });
  });
}
