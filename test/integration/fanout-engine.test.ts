/**
 * The realtime fan-out engine (issue 11): shared execution equals per-subscriber execution,
 * session ends reach open streams as events, a stuck reader is dropped without holding the
 * others, and shutdown ends whatever WebSocket clients do.
 */
import { execute, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createContext } from '../../src/context.js';
import { realtimeStats } from '../../src/plugins/use-shared-subscriptions.js';
import { schema } from '../../src/schema/index.js';
import type { RunningServer } from '../../src/server.js';
import { TOO_SLOW } from '../../src/websocket.js';
import { LeaderboardUpdatedDocument, type LeaderboardUpdatedSubscription } from '../generated/operations.js';
import {
  cleanupAfterEach,
  deferredInstance,
  deployment,
  embedded,
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
  wsUrl,
} from '../helpers/realtime.js';

const defer = cleanupAfterEach();
const DOCUMENT = parse(print(LeaderboardUpdatedDocument));

type Update = Result<LeaderboardUpdatedSubscription>;

function client(server: RunningServer, authorization?: string) {
  const c = wsClient(server, authorization);
  defer(() => c.dispose());
  return c;
}

/** Reads a stream into `into` until it ends (or the test's cleanup ends it). */
function collect<T>(stream: AsyncIterator<T>, into: T[]): void {
  void (async () => {
    for (let r = await stream.next(); r.done !== true; r = await stream.next()) into.push(r.value);
  })().catch(() => undefined);
}

/** A raw graphql-transport-ws client: `count` subscriptions to `board`, acknowledged, then returned. */
async function rawSubscriber(server: RunningServer, board: string, count: number): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl(server), 'graphql-transport-ws');
  defer(() => socket.terminate());
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
  await new Promise<void>((resolve) => socket.once('message', () => resolve()));
  const query = print(LeaderboardUpdatedDocument);
  for (let i = 0; i < count; i++)
    socket.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query, variables: { board } } }));
  return socket;
}

for (const [backend, env] of [
  ['embedded', embedded],
  ['Redis', deployment],
] as const) {
  describe(`shared execution (${backend})`, () => {
    it('gives every role and anonymous, over WebSocket and SSE, what per-subscriber execution gives', async () => {
      const server = await deferredInstance(defer, env());
      const board = `eq-${backend}`;
      const tokens = {
        anonymous: undefined,
        USER: await signIn(server, 'USER'),
        ADMIN: await signIn(server, 'ADMIN'),
      } as const;
      const publisher = await signIn(server);
      // The events themselves, straight from the pub/sub, for the reference execution.
      const raw = await server.services.leaderboards.updates(board);
      defer(() => raw.return());
      const events: unknown[] = [];
      collect(raw, events);
      const received = new Map<string, Update[]>();
      for (const [role, token] of Object.entries(tokens)) {
        for (let i = 0; i < 3; i++) {
          const list: Update[] = [];
          received.set(`${role} ws ${i}`, list);
          const stream = wsSubscribe(client(server, token), LeaderboardUpdatedDocument, { board });
          defer(() => stream.return?.call(stream));
          collect(stream, list);
        }
        const sse = await sseSubscribe(
          server,
          LeaderboardUpdatedDocument,
          { board },
          token === undefined ? {} : { authorization: token },
        );
        defer(() => sse.return?.());
        const list: Update[] = [];
        received.set(`${role} sse`, list);
        collect(sse, list);
      }
      const everyone = () => [...received.values()].every((list) => list.length >= 5);
      await publishUntil(server, publisher, board, eventually(everyone, 20_000, 'five events each'));
      // One audience per role: anonymous, USER, ADMIN (same document and variables).
      expect(realtimeStats(server.services)).toMatchObject({ audiences: 3, members: 12 });
      await eventually(() => events.length > 0);

      for (const [role, token] of Object.entries(tokens)) {
        const caller = token === undefined ? null : await server.services.accounts.authenticate(token);
        const expected = await Promise.all(
          events.map(async (event) =>
            JSON.parse(
              JSON.stringify(
                await execute({
                  schema,
                  document: DOCUMENT,
                  rootValue: event,
                  variableValues: { board },
                  contextValue: createContext(server.services, null, caller),
                }),
              ),
            ),
          ),
        );
        for (const [name, list] of received) {
          if (!name.startsWith(`${role} `)) continue;
          const first = expected.findIndex((e) => JSON.stringify(e) === JSON.stringify(list[0]));
          expect(first, `${name}: its first event is one of the board's`).toBeGreaterThanOrEqual(0);
          // Field for field, every event from the first on, in order.
          expect(list, name).toEqual(expected.slice(first, first + list.length));
        }
      }
    });
  });
}

describe('session ends reach open streams without an event', () => {
  for (const [backend, env] of [
    ['embedded', embedded],
    ['Redis, two instances', deployment],
  ] as const) {
    for (const how of ['logout', 'logoutAll', 'changePassword', 'expiry'] as const) {
      it(`ends WebSocket and SSE streams with UNAUTHENTICATED on ${how} (${backend})`, async () => {
        const shared = env(how === 'expiry' ? { SESSION_TTL_SECONDS: '3' } : {});
        const a = await deferredInstance(defer, shared);
        const b = backend === 'embedded' ? a : await deferredInstance(defer, shared);
        const email = `end-${how}-${Date.now()}@example.test`;
        const password = 'correct horse battery';
        const account = await a.services.accounts.create({ email, password }, 'USER');
        const { token } = await a.services.accounts.openSession(account);
        const user = `Bearer ${token}`;
        const board = `end-${how}`;
        const ws = wsSubscribe(client(b, user), LeaderboardUpdatedDocument, { board });
        const sse = await sseSubscribe(b, LeaderboardUpdatedDocument, { board }, { authorization: user });
        defer(() => sse.return?.());
        if (how !== 'expiry') {
          const publisher = await signIn(a);
          await publishUntil(a, publisher, board, Promise.all([nextData(ws), nextData(sse)]));
          expect(b.services.presence.held).toBeGreaterThan(0);
          const caller = await a.services.accounts.authenticate(user);
          if (caller === null) throw new Error('not signed in');
          if (how === 'logout') await a.services.accounts.logout(caller);
          if (how === 'logoutAll') await a.services.accounts.logoutAll(caller);
          if (how === 'changePassword') {
            // Another session of the account changes the password: this one ends.
            const other = await a.services.accounts.login(email, password, '127.0.0.1');
            const changer = await a.services.accounts.authenticate(`Bearer ${other.token}`);
            if (changer === null) throw new Error('not signed in');
            await a.services.accounts.changePassword(changer, password, 'another good password', '127.0.0.1');
          }
        }
        // Nothing is published any more: the end itself is the event.
        for (const stream of [ws, sse]) {
          const last = await next<Update>(stream);
          expect(last.value?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
          expect((await next<Update>(stream)).done).toBe(true);
        }
        await eventually(() => b.services.presence.held === 0, 10_000, 'presence released');
        expect(realtimeStats(b.services)).toEqual({ audiences: 0, members: 0, sessions: 0 });
      });
    }
  }
});

describe('backpressure', () => {
  it('drops a subscriber that stops reading; the thousands of others get every event', async () => {
    const server = await deferredInstance(
      defer,
      embedded({
        WS_MAX_BUFFERED_BYTES: '1024',
        WS_MAX_SUBSCRIPTIONS: '1000',
        MAX_CONNECTIONS_PER_CALLER: '100',
      }),
    );
    const board = 'stuck';
    const counts: number[] = [];
    const listening: boolean[] = [];
    // Events of the flood only (scores above it), whatever arrives late from before.
    let floodFrom = Number.POSITIVE_INFINITY;
    for (let c = 0; c < 20; c++) {
      const ws = client(server);
      for (let s = 0; s < 100; s++) {
        const index = counts.push(0) - 1;
        listening.push(false);
        const stream = wsSubscribe(ws, LeaderboardUpdatedDocument, { board });
        void (async () => {
          for (let r = await stream.next(); r.done !== true; r = await stream.next()) {
            listening[index] = true;
            if ((r.value.data?.leaderboardUpdated.score ?? 0) > floodFrom)
              counts[index] = (counts[index] ?? 0) + 1;
          }
        })().catch(() => undefined);
      }
    }
    // 500 operations on one socket: every event writes 500 frames to a reader that reads nothing.
    const stuck = await rawSubscriber(server, board, 500);
    const player = 'p'.repeat(120);
    let score = 0;
    await eventually(
      async () => {
        await server.services.leaderboards.submit({ board, player, score: ++score });
        return listening.every(Boolean);
      },
      30_000,
      'every subscriber listening',
    );
    stuck.pause();
    floodFrom = score;
    counts.fill(0);
    let sent = 0;
    const closed = new Promise<number>((resolve) => stuck.once('close', (code) => resolve(code)));
    // Floods until the server lets the stuck reader go (its socket no longer counted).
    await eventually(
      async () => {
        for (let i = 0; i < 20; i++) {
          await server.services.leaderboards.submit({ board, player, score: ++score });
          sent++;
        }
        return server.websocket.connections === 20;
      },
      60_000,
      'the stuck reader dropped',
    );
    await eventually(() => counts.every((n) => n === sent), 30_000, 'every event delivered to the others');
    expect(counts.every((n) => n === sent)).toBe(true);
    stuck.resume();
    // Closed with TOO_SLOW, or cut (1006) when it did not answer the close in time.
    expect([TOO_SLOW, 1006]).toContain(await closed);
  }, 120_000);
});

describe('graceful shutdown with a stuck WebSocket client', () => {
  it('closes within the drain time while the client still holds its socket, and destroys it', async () => {
    const server = await startInstance(embedded({ SHUTDOWN_DRAIN_MS: '300' }));
    const stuck = await rawSubscriber(server, 'bye', 1);
    await eventually(() => realtimeStats(server.services).members === 1, 10_000, 'subscribed');
    stuck.pause();
    const closed = new Promise<void>((resolve) => stuck.once('close', () => resolve()));
    await server.close();
    // The client read nothing yet: it still holds its socket, which the server has destroyed.
    expect(stuck.readyState).toBe(WebSocket.OPEN);
    expect(server.websocket.connections).toBe(0);
    stuck.resume();
    await closed;
  });
});
