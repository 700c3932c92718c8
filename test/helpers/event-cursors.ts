/**
 * Subscribers of the event-cursor tests: one `leaderboardUpdated` stream over WebSocket or SSE,
 * read event by event, resumable from its last cursor.
 */
import { expect } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { encodeCursor } from '../../src/services/cursors.js';
import { deployment, embedded, next, type Result, type SseStream, sseRequest, wsClient } from './realtime.js';

// As in shared/contract/next.graphql (Event cursors).
export const AFTER = `subscription LeaderboardUpdatedAfter($board: String!, $after: String) {
  leaderboardUpdated(board: $board, after: $after) { player score rank previousRank cursor }
}`;

export interface Event {
  score: number;
  cursor: string;
}
export type Data = { leaderboardUpdated: Event };

/** A subscriber over one transport: its events, then null once its stream ends (or fails). */
export interface Reader {
  next(ms?: number): Promise<Event | null>;
  /** The first error the stream ended with, if any. */
  error(): { code?: unknown; message: string } | null;
  /** Where a client resumes: over SSE the last `id:` line, as an EventSource keeps it. */
  lastId(): string | undefined;
  close(): Promise<void>;
}

export type Transport = 'ws' | 'sse';

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
export async function subscribe(
  port: number,
  transport: Transport,
  board: string,
  after?: string,
): Promise<Reader> {
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
export async function collect(reader: Reader, count: number, into: Event[]): Promise<void> {
  for (let n = 0; n < count; n++) {
    const event = await reader.next();
    if (event === null) return;
    into.push(event);
  }
}

export function expectExactly(events: Event[], from: number, to: number): void {
  expect(events.map((e) => e.score)).toEqual(Array.from({ length: to - from }, (_, i) => from + i));
  expect(new Set(events.map((e) => e.cursor)).size).toBe(events.length);
}

/**
 * A cursor just before the next event of the board (its newest event, made now), so a subscriber
 * given it misses nothing however long its subscription takes to be set up.
 */
export async function markerCursor(server: RunningServer, board: string): Promise<string> {
  await server.services.leaderboards.submit({ board, player: 'marker', score: -1 });
  const newest = await server.backends.events.last('leaderboardUpdated', board);
  if (newest === null) throw new Error('no event logged');
  return encodeCursor('leaderboardUpdated', board, newest.id);
}

export const BACKENDS = [
  ['embedded', (extra: Record<string, string> = {}) => embedded(extra)],
  ['Redis', (extra: Record<string, string> = {}) => deployment(extra)],
] as const;
