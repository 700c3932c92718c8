import { setTimeout as sleep } from 'node:timers/promises';
import { EventSource } from 'eventsource';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../src/server.js';
import { AFTER, type Data, type Event, expectExactly, markerCursor } from '../helpers/event-cursors.js';
import { cleanupAfterEach, deployment, embedded, signIn, startInstance } from '../helpers/realtime.js';
import { startTcpRelay } from '../helpers/tcp-relay.js';

const defer = cleanupAfterEach();

/** A browser-like EventSource on one board: the events it got, the `id:` of each, its errors. */
interface Follower {
  events: Event[];
  /** The `lastEventId` of each message, as the EventSource saw it. */
  ids: string[];
  errors: number;
  /** Resolves once `count` events arrived (the test's timeout fails it otherwise). */
  received(count: number): Promise<void>;
  close(): void;
}

/**
 * Opens an EventSource as a browser page would: a GET with the operation and token in the URL. The first
 * request carries `after` in its variables (a cursor taken just before the test's first event);
 * a reconnect adds the `Last-Event-ID` the EventSource keeps, which must win over it.
 */
function follow(port: number, authorization: string, board: string, after: string): Follower {
  const url = new URL(`http://127.0.0.1:${port}/graphql`);
  url.searchParams.set('query', AFTER);
  url.searchParams.set('variables', JSON.stringify({ board, after }));
  // An EventSource cannot set headers: the token goes as README "Clients" documents.
  url.searchParams.set('access_token', authorization.replace(/^Bearer /, ''));
  const source = new EventSource(url);
  const waiting = new Set<() => void>();
  const follower: Follower = {
    events: [],
    ids: [],
    errors: 0,
    received: (count) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (follower.events.length < count) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      }),
    close: () => source.close(),
  };
  source.addEventListener('next', (message) => {
    const result = JSON.parse(message.data) as { data?: Data; errors?: unknown[] };
    if (result.errors !== undefined) throw new Error(`stream failed: ${message.data}`);
    const event = result.data?.leaderboardUpdated;
    if (event === undefined) return;
    follower.events.push(event);
    follower.ids.push(message.lastEventId);
    for (const check of [...waiting]) check();
  });
  source.addEventListener('error', () => {
    follower.errors++;
  });
  return follower;
}

/** Scores 0, 1, ... `to` - 1 from `from`, each one event of the board. */
async function scores(server: RunningServer, board: string, from: number, to: number): Promise<void> {
  for (let score = from; score < to; score++)
    await server.services.leaderboards.submit({ board, player: 'p', score });
}

function expectResumedOnce(follower: Follower, total: number): void {
  expectExactly(follower.events, 0, total);
  // Each event's SSE id is its cursor, and the reconnect sent the last one got before the drop.
  expect(follower.ids).toEqual(follower.events.map((e) => e.cursor));
  expect(follower.errors).toBeGreaterThanOrEqual(1);
}

describe('a browser EventSource (the eventsource package) reconnects by itself and loses nothing', () => {
  it('on the embedded default, when the connection is dropped mid-stream', async () => {
    const server = await startInstance(embedded());
    defer(() => server.close());
    const relay = await startTcpRelay(server.port);
    defer(() => relay.close());
    const board = 'eventsource-embedded';
    const follower = follow(relay.port, await signIn(server), board, await markerCursor(server, board));
    defer(() => follower.close());
    await scores(server, board, 0, 20);
    await follower.received(20);
    relay.cut();
    // Published while the EventSource waits to reconnect: it must get them from the log.
    await scores(server, board, 20, 300);
    await follower.received(300);
    await scores(server, board, 300, 301);
    await follower.received(301);
    expectResumedOnce(follower, 301);
    expect(relay.connections.length).toBe(2);
    expect(relay.connections[0]?.head).not.toMatch(/last-event-id/i);
    expect(relay.connections[1]?.head.toLowerCase()).toContain(
      `last-event-id: ${follower.events[19]?.cursor}`.toLowerCase(),
    );
  }, 60_000);

  it('on Redis, when its instance shuts down mid-stream and the reconnect lands on another', async () => {
    const env = deployment({ SHUTDOWN_DRAIN_MS: '200' });
    const first = await startInstance(env);
    let firstOpen = true;
    defer(() => (firstOpen ? first.close() : undefined));
    const second = await startInstance(env);
    defer(() => second.close());
    const relay = await startTcpRelay(first.port);
    defer(() => relay.close());
    const board = 'eventsource-redis';
    const follower = follow(relay.port, await signIn(second), board, await markerCursor(second, board));
    defer(() => follower.close());
    await scores(second, board, 0, 20);
    await follower.received(20);
    // A deploy: the balancer sends new connections elsewhere, then the instance goes away.
    relay.target = second.port;
    firstOpen = false;
    const closing = first.close();
    await scores(second, board, 20, 300);
    await closing;
    await follower.received(300);
    await scores(second, board, 300, 301);
    await follower.received(301);
    expectResumedOnce(follower, 301);
    expect(relay.connections.map((c) => c.target)).toEqual([first.port, second.port]);
    expect(relay.connections[1]?.head.toLowerCase()).toContain('last-event-id: ');
  }, 60_000);
});

describe('a graphql-ws client resumes by itself when its payload carries the last cursor', () => {
  it('on the embedded default, when the connection is dropped mid-stream: every event once, in order', async () => {
    const server = await startInstance(embedded());
    defer(() => server.close());
    const relay = await startTcpRelay(server.port);
    defer(() => relay.close());
    const board = 'graphql-ws-retry';
    // As README "Event cursors" shows: graphql-ws sends the same payload object again after each
    // reconnect of its own, so the cursor kept in its variables is where it resumes.
    const variables: { board: string; after?: string } = { board, after: await markerCursor(server, board) };
    const client = createClient({
      url: `ws://127.0.0.1:${relay.port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 5,
      retryWait: () => sleep(200),
      shouldRetry: () => true,
    });
    defer(() => client.dispose());
    const events: Event[] = [];
    const waiting = new Set<() => void>();
    const received = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (events.length < count) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      });
    let failure: unknown = null;
    const unsubscribe = client.subscribe<Data>(
      { query: AFTER, variables },
      {
        next: ({ data }) => {
          const event = data?.leaderboardUpdated;
          if (event === undefined) return;
          variables.after = event.cursor;
          events.push(event);
          for (const check of [...waiting]) check();
        },
        error: (error) => {
          failure = error;
        },
        complete: () => undefined,
      },
    );
    defer(unsubscribe);
    await scores(server, board, 0, 20);
    await received(20);
    relay.cut();
    await scores(server, board, 20, 300);
    await received(300);
    await scores(server, board, 300, 301);
    await received(301);
    expect(failure).toBeNull();
    expectExactly(events, 0, 301);
    expect(relay.connections.length).toBe(2);
  }, 60_000);
});
