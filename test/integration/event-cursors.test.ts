import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/services/cursors.js';
import { EnqueueJobDocument } from '../generated/operations.js';
import {
  BACKENDS,
  collect,
  type Event,
  expectExactly,
  markerCursor,
  type Reader,
  subscribe,
  type Transport,
} from '../helpers/event-cursors.js';
import { runEntry } from '../helpers/processes.js';
import {
  cleanupAfterEach,
  deployment,
  next,
  post,
  signIn,
  sseRequest,
  startInstance,
  wsClient,
} from '../helpers/realtime.js';
import { getFreePort, startRedis } from '../helpers/servers.js';

const defer = cleanupAfterEach();

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
    'two subscribers resuming from the same cursor, one after the other, each get every event after it (%s)',
    async (transport) => {
      const server = await startInstance(env());
      defer(() => server.close());
      const board = `same-cursor-${transport}`;
      const submit = (score: number) => server.services.leaderboards.submit({ board, player: 'p', score });
      const from = await markerCursor(server, board);
      for (let i = 0; i < 10; i++) await submit(i);
      const early = await subscribe(server.port, transport, board, from);
      defer(() => early.close());
      const first: Event[] = [];
      await collect(early, 10, first);
      // Same document, same variables: a shared audience would hand the late one only what follows.
      const late = await subscribe(server.port, transport, board, from);
      defer(() => late.close());
      await submit(10);
      await collect(early, 1, first);
      const second: Event[] = [];
      await collect(late, 11, second);
      expectExactly(first, 0, 11);
      expectExactly(second, 0, 11);
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

/**
 * Reads `reader` until `seen` holds `total` events. If its stream ends first, it must end with
 * SERVICE_UNAVAILABLE, as the contract allows, and a resume from the last cursor reads the rest.
 */
async function readOrResume(
  port: number,
  transport: Transport,
  board: string,
  reader: Reader,
  seen: Event[],
  total: number,
): Promise<void> {
  while (seen.length < total) {
    const event = await reader.next();
    if (event === null) break;
    seen.push(event);
  }
  if (seen.length === total) return;
  expect(reader.error()?.code).toBe('SERVICE_UNAVAILABLE');
  const resumed = await subscribe(port, transport, board, seen.at(-1)?.cursor);
  defer(() => resumed.close());
  await collect(resumed, total - seen.length, seen);
}

describe('event cursors across instances (Redis)', () => {
  it.each(['ws', 'sse'] as const)(
    'a subscriber whose instance is SIGKILLed while another publishes 1,000 events resumes there, losing none (%s)',
    async (transport) => {
      const env = deployment();
      const port = await getFreePort();
      const doomed = runEntry('src/main.ts', { ...env, PORT: String(port), LOG_LEVEL: 'info' });
      defer(() => doomed.kill());
      // A cold start of its own (tsx) on a loaded machine can take more than the 30 s default.
      await doomed.waitFor(/docgate listening/, 100_000);
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
    // A process of its own to start, and 1,000 scripts on a shared 2-core machine.
    180_000,
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
      await readOrResume(server.port, transport, board, reader, seen, 100);
      await reader.close();
      expectExactly(seen, 0, 100);
    },
    90_000,
  );

  it.each(['ws', 'sse'] as const)(
    'a stream open while redis-server is paused (SIGSTOP) delivers every logged event, or a resume does (%s)',
    async (transport) => {
      const redis = await startRedis();
      defer(() => redis.stop());
      const server = await startInstance(deployment({ REDIS_URL: redis.url }));
      defer(() => server.close());
      const board = `pause-${transport}`;
      const marker = await markerCursor(server, board);
      const reader = await subscribe(server.port, transport, board, marker);
      const seen: Event[] = [];
      let score = 0;
      const accepted: number[] = [];
      // A write that times out while Redis is stopped may still run once it resumes (the command
      // is in its socket): the log, not the caller, says which events exist.
      const submit = async () => {
        const mine = score++;
        try {
          await server.services.leaderboards.submit({ board, player: 'p', score: mine });
          accepted.push(mine);
        } catch {
          await sleep(100);
        }
      };
      while (score < 20) await submit();
      await collect(reader, 20, seen);
      redis.signal('SIGSTOP');
      let paused = true;
      defer(() => (paused ? redis.signal('SIGCONT') : undefined));
      const during = (async () => {
        while (score < 40) await submit();
      })();
      await sleep(3000);
      redis.signal('SIGCONT');
      paused = false;
      await during;
      while (accepted.length < 60) await submit();
      const logged = await server.backends.events.range(
        'leaderboardUpdated',
        board,
        decodeCursor('leaderboardUpdated', board, marker),
        1000,
      );
      const expected = logged.map((e) => e.payload.score);
      expect(expected).toEqual(expect.arrayContaining(accepted));
      expect(expected).toEqual([...expected].sort((a, b) => a - b));
      await readOrResume(server.port, transport, board, reader, seen, expected.length);
      await reader.close();
      expect(seen.map((e) => e.score)).toEqual(expected);
      expect(seen.map((e) => e.cursor)).toEqual(
        logged.map((e) => encodeCursor('leaderboardUpdated', board, e.id)),
      );
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

/** Every event of a jobUpdated stream over WebSocket or SSE, until it completes. */
async function jobEvents(
  transport: Transport,
  port: number,
  authorization: string,
  id: string,
  after?: string,
): Promise<JobEvent[]> {
  const variables = { id, ...(after ? { after } : {}) };
  const client = transport === 'ws' ? wsClient({ port }, authorization) : null;
  const stream =
    client?.iterate<{ jobUpdated: JobEvent }>({ query: JOB_AFTER, variables }) ??
    (await sseRequest<{ jobUpdated: JobEvent }>(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization },
      body: JSON.stringify({ query: JOB_AFTER, variables }),
    }));
  try {
    const events: JobEvent[] = [];
    for (;;) {
      const result = await next(stream, 30_000);
      if (result.done === true) return events;
      if (result.value.errors !== undefined) throw new Error(JSON.stringify(result.value.errors));
      const event = result.value.data?.jobUpdated;
      if (event !== undefined) events.push(event);
    }
  } finally {
    await stream.return?.();
    await client?.dispose();
  }
}

const STEP: Record<string, readonly string[]> = {
  QUEUED: ['ACTIVE', 'DELAYED', 'COMPLETED', 'FAILED'],
  ACTIVE: ['DELAYED', 'COMPLETED', 'FAILED'],
  DELAYED: ['ACTIVE', 'COMPLETED', 'FAILED'],
};

describe.each(BACKENDS)('job events in order (%s)', (_name, env) => {
  it.each(['ws', 'sse'] as const)(
    '20 queued jobs: progress never down, status only forward; a resume replays the rest (%s)',
    async (transport) => {
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
      const streams = await Promise.all(ids.map((id) => jobEvents(transport, server.port, user, id)));
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
      const replayed = await jobEvents(transport, server.port, user, ids[0] ?? '', first[0]?.cursor);
      expect(replayed).toEqual(first.slice(1));
    },
    90_000,
  );
});
