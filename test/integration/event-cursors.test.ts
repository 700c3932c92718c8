import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { encodeCursor } from '../../src/services/cursors.js';
import { EnqueueJobDocument } from '../generated/operations.js';
import { runEntry } from '../helpers/processes.js';
import {
  cleanupAfterEach,
  deployment,
  embedded,
  next,
  post,
  type Result,
  type SseStream,
  signIn,
  sseRequest,
  startInstance,
  wsClient,
} from '../helpers/realtime.js';
import { getFreePort, startRedis } from '../helpers/servers.js';

const defer = cleanupAfterEach();

// As in shared/contract/next.graphql (Event cursors).
const AFTER = `subscription LeaderboardUpdatedAfter($board: String!, $after: String) {
  leaderboardUpdated(board: $board, after: $after) { player score rank previousRank cursor }
}`;

interface Event {
  score: number;
  cursor: string;
}
type Data = { leaderboardUpdated: Event };

/** A subscriber over one transport: its events, then null once its stream ends (or fails). */
interface Reader {
  next(ms?: number): Promise<Event | null>;
  /** The first error the stream ended with, if any. */
  error(): { code?: unknown; message: string } | null;
  /** Where a client resumes: over SSE the last `id:` line, as an EventSource keeps it. */
  lastId(): string | undefined;
  close(): Promise<void>;
}

type Transport = 'ws' | 'sse';

function fromResults(
  stream: AsyncIterator<Result<Data>>,
  close: () => Promise<unknown>,
  sseId?: () => string | undefined,
): Reader {
  let failed: { code?: unknown; message: string } | null = null;
  let last: string | undefined;
  return {
    lastId: () => (sseId === undefined ? last : sseId()),
    async next(ms = 15_000) {
      if (failed !== null) return null;
      try {
        const result = await next(stream, ms);
        if (result.done === true) return null;
        const error = result.value.errors?.[0];
        if (error !== undefined) {
          failed = { code: error.extensions?.code, message: error.message };
          return null;
        }
        const event = result.value.data?.leaderboardUpdated ?? null;
        last = event?.cursor ?? last;
        return event;
      } catch (err) {
        failed = { message: String(err) };
        return null;
      }
    },
    error: () => failed,
    close: async () => void (await close()),
  };
}

/**
 * Subscribes on the instance at `port`. Over SSE a resume goes as a browser EventSource's
 * does: the cursor in a Last-Event-ID header, not in the operation.
 */
async function subscribe(port: number, transport: Transport, board: string, after?: string): Promise<Reader> {
  if (transport === 'ws') {
    const client = wsClient({ port });
    const stream = client.iterate<Data>({ query: AFTER, variables: { board, ...(after ? { after } : {}) } });
    return fromResults(stream, async () => {
      await stream.return?.();
      await client.dispose();
    });
  }
  const stream: SseStream<Data> = await sseRequest<Data>(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(after ? { 'last-event-id': after } : {}),
    },
    body: JSON.stringify({ query: AFTER, variables: { board } }),
  });
  return fromResults(
    stream,
    async () => stream.return?.(),
    () => stream.lastEventId,
  );
}

/** Reads until `count` events or the end; checks each SSE id / cursor pair on the way. */
async function collect(reader: Reader, count: number, into: Event[]): Promise<void> {
  for (let n = 0; n < count; n++) {
    const event = await reader.next();
    if (event === null) return;
    into.push(event);
  }
}

function expectExactly(events: Event[], from: number, to: number): void {
  expect(events.map((e) => e.score)).toEqual(Array.from({ length: to - from }, (_, i) => from + i));
  expect(new Set(events.map((e) => e.cursor)).size).toBe(events.length);
}

/**
 * A cursor just before the next event of the board (its newest event, made now), so a subscriber
 * given it misses nothing however long its subscription takes to be set up.
 */
async function markerCursor(server: RunningServer, board: string): Promise<string> {
  await server.services.leaderboards.submit({ board, player: 'marker', score: -1 });
  const newest = await server.backends.events.last('leaderboardUpdated', board);
  if (newest === null) throw new Error('no event logged');
  return encodeCursor('leaderboardUpdated', board, newest.id);
}

const BACKENDS = [
  ['embedded', (extra: Record<string, string> = {}) => embedded(extra)],
  ['Redis', (extra: Record<string, string> = {}) => deployment(extra)],
] as const;

describe.each(BACKENDS)('event cursors (%s)', (_name, env) => {
  it.each(['ws', 'sse'] as const)(
    'a subscriber that drops and resumes with its last cursor gets every missed event once, in order (%s)',
    async (transport) => {
      const server = await startInstance(env());
      defer(() => server.close());
      const board = `resume-${transport}`;
      const submit = (score: number) => server.services.leaderboards.submit({ board, player: 'p', score });
      const first = await subscribe(server.port, transport, board, await markerCursor(server, board));
      const seen: Event[] = [];
      await submit(0);
      await collect(first, 1, seen);
      for (let i = 1; i < 10; i++) await submit(i);
      await collect(first, 9, seen);
      await first.close();
      expect(first.lastId()).toBe(seen.at(-1)?.cursor);
      for (let i = 10; i < 1010; i++) await submit(i);
      const again = await subscribe(server.port, transport, board, first.lastId());
      defer(() => again.close());
      await collect(again, 1000, seen);
      await submit(1010);
      await collect(again, 1, seen);
      expectExactly(seen, 0, 1011);
    },
  );

  it.each(['ws', 'sse'] as const)(
    'refuses an expired cursor with CURSOR_EXPIRED and a forged one with BAD_USER_INPUT (%s)',
    async (transport) => {
      const server = await startInstance(env());
      defer(() => server.close());
      const board = 'refusals';
      await server.services.leaderboards.submit({ board, player: 'p', score: 1 });
      const old = encodeCursor('leaderboardUpdated', board, `${Date.now() - 2 * 3600_000}-0`);
      const otherBoard = encodeCursor('leaderboardUpdated', 'elsewhere', `${Date.now()}-0`);
      for (const [cursor, code] of [
        [old, 'CURSOR_EXPIRED'],
        [otherBoard, 'BAD_USER_INPUT'],
        ['not-a-cursor', 'BAD_USER_INPUT'],
        ['x'.repeat(5000), 'BAD_USER_INPUT'],
      ] as const) {
        const reader = await subscribe(server.port, transport, board, cursor);
        expect(await reader.next()).toBeNull();
        expect(reader.error()?.code).toBe(code);
        await reader.close();
      }
    },
  );
});

describe('event cursors across instances (Redis)', () => {
  it.each(['ws', 'sse'] as const)(
    'a subscriber whose instance is SIGKILLed while another publishes 1,000 events resumes there, losing none (%s)',
    async (transport) => {
      const env = deployment();
      const port = await getFreePort();
      const doomed = runEntry('src/main.ts', { ...env, PORT: String(port), LOG_LEVEL: 'info' });
      defer(() => doomed.kill());
      await doomed.waitFor(/docgate listening/);
      const other = await startInstance(env);
      defer(() => other.close());
      const board = `kill-${transport}`;
      const submit = (score: number) => other.services.leaderboards.submit({ board, player: 'p', score });

      const reader = await subscribe(port, transport, board, await markerCursor(other, board));
      const seen: Event[] = [];
      await submit(0);
      await collect(reader, 1, seen);
      const publishing = (async () => {
        for (let i = 1; i < 1000; i++) await submit(i);
      })();
      await collect(reader, 99, seen);
      await doomed.kill();
      // Whatever was on its way is read; then the stream ends with the process.
      for (let event = await reader.next(); event !== null; event = await reader.next()) seen.push(event);
      await reader.close();
      await publishing;
      expect(reader.lastId()).toBe(seen.at(-1)?.cursor);
      const resumed = await subscribe(other.port, transport, board, reader.lastId());
      defer(() => resumed.close());
      await collect(resumed, 1000 - seen.length, seen);
      expectExactly(seen, 0, 1000);
    },
  );

  it.each(['ws', 'sse'] as const)(
    'a stream open while redis-server restarts goes on or ends with SERVICE_UNAVAILABLE; a resume loses nothing (%s)',
    async (transport) => {
      const redis = await startRedis();
      defer(() => redis.stop());
      const server = await startInstance(deployment({ REDIS_URL: redis.url }));
      defer(() => server.close());
      const board = `restart-${transport}`;
      const submit = (score: number) => server.services.leaderboards.submit({ board, player: 'p', score });
      const reader = await subscribe(server.port, transport, board, await markerCursor(server, board));
      const seen: Event[] = [];
      await submit(0);
      await collect(reader, 1, seen);
      for (let i = 1; i < 50; i++) await submit(i);
      await redis.stop();
      await redis.start();
      let score = 50;
      // Writes fail while the connection is re-established; each accepted one is an event.
      while (score < 100) {
        try {
          await submit(score);
          score++;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      for (
        let event = await reader.next();
        event !== null && seen.length < 100;
        event = await reader.next()
      ) {
        seen.push(event);
        if (seen.length === 100) break;
      }
      if (seen.length < 100) {
        expect(reader.error()?.code).toBe('SERVICE_UNAVAILABLE');
        const resumed = await subscribe(server.port, transport, board, seen.at(-1)?.cursor);
        defer(() => resumed.close());
        await collect(resumed, 100 - seen.length, seen);
      }
      await reader.close();
      expectExactly(seen, 0, 100);
    },
    90_000,
  );
});

// As in shared/contract/next.graphql (Event cursors).
const JOB_AFTER = `subscription JobUpdatedAfter($id: ID!, $after: String) {
  jobUpdated(id: $id, after: $after) { id status progress result error cursor }
}`;

interface JobEvent {
  status: string;
  progress: number;
  cursor: string;
}

/** Every event of a jobUpdated stream over WebSocket, until it completes. */
async function jobEvents(
  port: number,
  authorization: string,
  id: string,
  after?: string,
): Promise<JobEvent[]> {
  const client = wsClient({ port }, authorization);
  try {
    const stream = client.iterate<{ jobUpdated: JobEvent }>({
      query: JOB_AFTER,
      variables: { id, ...(after ? { after } : {}) },
    });
    const events: JobEvent[] = [];
    for (;;) {
      const result = await next(stream, 30_000);
      if (result.done === true) return events;
      if (result.value.errors !== undefined) throw new Error(JSON.stringify(result.value.errors));
      const event = result.value.data?.jobUpdated;
      if (event !== undefined) events.push(event);
    }
  } finally {
    await client.dispose();
  }
}

const STEP: Record<string, readonly string[]> = {
  QUEUED: ['ACTIVE', 'DELAYED', 'COMPLETED', 'FAILED'],
  ACTIVE: ['DELAYED', 'COMPLETED', 'FAILED'],
  DELAYED: ['ACTIVE', 'COMPLETED', 'FAILED'],
};

describe.each(BACKENDS)('job events in order (%s)', (_name, env) => {
  it('20 queued jobs: progress never down, status only forward; a resume replays the rest', async () => {
    const server = await startInstance(env({ JOB_STEP_DELAY_MS: '20' }));
    defer(() => server.close());
    const user = await signIn(server);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const queued = await post(
        server,
        EnqueueJobDocument,
        { type: 'generate_report', payload: { report: 'customersByCity' } },
        user,
      );
      ids.push(queued.data?.enqueueJob.id ?? '');
    }
    const streams = await Promise.all(ids.map((id) => jobEvents(server.port, user, id)));
    for (const events of streams) {
      expect(events.at(-1)).toMatchObject({ status: 'COMPLETED', progress: 100 });
      for (let i = 1; i < events.length; i++) {
        const [before, now] = [events[i - 1], events[i]];
        if (before === undefined || now === undefined) continue;
        expect(now.progress).toBeGreaterThanOrEqual(before.progress);
        if (now.status !== before.status) expect(STEP[before.status]).toContain(now.status);
      }
      expect(new Set(events.map((e) => e.cursor)).size).toBe(events.length);
    }
    // From the first event's cursor: every later event, with the same cursors, then the end.
    const first = streams[0] ?? [];
    const replayed = await jobEvents(server.port, user, ids[0] ?? '', first[0]?.cursor);
    expect(replayed).toEqual(first.slice(1));
  }, 90_000);
});
