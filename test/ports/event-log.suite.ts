import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { EventLog, EventLogOptions } from '../../src/datasources/ports/event-log.js';
import type { JobChange } from '../../src/datasources/ports/jobs.js';
import type { LeaderboardChange } from '../../src/datasources/ports/leaderboards.js';
import type { PubSub } from '../../src/datasources/ports/pubsub.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';
import { take } from './pubsub.suite.js';

/** A log and the pub/sub its appends publish on. */
export interface LogAndPubSub {
  log: EventLog;
  pubsub: PubSub;
}

/** A leaderboard event of board `b`, told apart by its score. */
export const change = (score: number): LeaderboardChange => ({
  board: 'b',
  player: 'p',
  score,
  rank: 1,
  previousRank: null,
});

/** An id just before `id`: a cursor from which a range starts at `id`. */
export function justBefore(id: string | undefined): string {
  const [ms = 0, seq = 0] = (id ?? '').split('-').map(Number);
  return seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}-0`;
}

const KEEP: EventLogOptions = { retentionSeconds: 3600, maxLength: 10_000 };

async function fill(log: EventLog, n: number, board = 'b'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++)
    ids.push(await log.append('leaderboardUpdated', board, { ...change(i), board }));
  return ids;
}

/** The EventLog contract, run against every implementation. */
export function eventLogSuite(
  name: string,
  make: (options: EventLogOptions) => Promise<MadePort<LogAndPubSub>>,
): void {
  describe(`EventLog (${name})`, () => {
    const open = freshPort(make);

    it('gives increasing ids and pages through the events after any of them, in order', async () => {
      const { log } = await open(KEEP);
      const ids = await fill(log, 250);
      const order = (id: string) => id.split('-').map(Number) as [number, number];
      expect([...ids].sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1])).toEqual(ids);
      expect(new Set(ids).size).toBe(250);
      const seen: number[] = [];
      let after = justBefore(ids[0]);
      for (;;) {
        const page = await log.range('leaderboardUpdated', 'b', after, 100);
        expect(page.length).toBeLessThanOrEqual(100);
        if (page.length === 0) break;
        seen.push(...page.map((e) => e.payload.score));
        after = page.at(-1)?.id ?? after;
      }
      expect(seen).toEqual([...Array(250).keys()]);
      const tail = await log.range('leaderboardUpdated', 'b', ids[247] ?? '', 10);
      expect(tail.map((e) => e.id)).toEqual(ids.slice(248));
      expect(await log.range('leaderboardUpdated', 'other', ids[0] ?? '', 10)).toEqual([]);
      expect((await log.last('leaderboardUpdated', 'b'))?.id).toBe(ids[249]);
      expect(await log.last('leaderboardUpdated', 'none')).toBeNull();
    });

    it('publishes each appended event with its id as cursor, in append order', async () => {
      const { log, pubsub } = await open(KEEP);
      const stream = await pubsub.subscribe('leaderboardUpdated', 'b');
      const ids = await fill(log, 3);
      const got = await take(stream, 3);
      await stream.return();
      expect(got.map((e) => [e.cursor, e.score])).toEqual(ids.map((id, i) => [id, i]));
    });

    it('keeps at most maxLength events; a cursor before them is expired', async () => {
      const { log } = await open({ retentionSeconds: 3600, maxLength: 20 });
      const ids = await fill(log, 50);
      await expect(log.range('leaderboardUpdated', 'b', ids[0] ?? '', 100)).rejects.toMatchObject({
        code: 'CURSOR_EXPIRED',
      });
      // The 20 newest are kept: a cursor just before them still replays all of them.
      const kept = await log.range('leaderboardUpdated', 'b', ids[29] ?? '', 100);
      expect(kept.map((e) => e.id)).toEqual(ids.slice(30));
      expect(await log.range('leaderboardUpdated', 'b', ids[49] ?? '', 100)).toEqual([]);
    });

    it('drops events older than the retention, at the next append', async () => {
      const { log } = await open({ retentionSeconds: 1, maxLength: 10_000 });
      const old = await fill(log, 3);
      await sleep(1100);
      const [fresh] = await fill(log, 1);
      await expect(log.range('leaderboardUpdated', 'b', old[0] ?? '', 10)).rejects.toMatchObject({
        code: 'CURSOR_EXPIRED',
      });
      expect((await log.range('leaderboardUpdated', 'b', old[2] ?? '', 10)).map((e) => e.id)).toEqual([
        fresh,
      ]);
    });

    it('calls a cursor of a log that aged out entirely expired', async () => {
      const { log } = await open({ retentionSeconds: 1, maxLength: 10_000 });
      await fill(log, 1, 'gone');
      const stale = `${Date.now() - 5000}-0`;
      await expect(log.range('leaderboardUpdated', 'never', stale, 10)).rejects.toMatchObject({
        code: 'CURSOR_EXPIRED',
      });
      expect(await log.range('leaderboardUpdated', 'never', `${Date.now()}-0`, 10)).toEqual([]);
    });

    it('keeps a job log in order: progress never down, status only forward, each source once', async () => {
      const { log, pubsub } = await open(KEEP);
      const stream = await pubsub.subscribe('jobUpdated', 'j');
      const feed: JobChange[] = [
        { id: 'j', status: 'QUEUED', source: '1-0' },
        { id: 'j', status: 'ACTIVE', source: '2-0' },
        { id: 'j', progress: 100, source: '4-0' },
        // Arrives late from another instance: already applied, and a step back.
        { id: 'j', progress: 10, source: '3-0' },
        { id: 'j', progress: 10, source: '5-0' },
        { id: 'j', status: 'ACTIVE', progress: 100, source: '6-0' },
        { id: 'j', status: 'COMPLETED', result: { rows: [1, 2] }, source: '7-0' },
        { id: 'j', status: 'ACTIVE', source: '8-0' },
        { id: 'j', progress: 50, source: '9-0' },
      ];
      const appended: Array<JobChange | null> = [];
      for (const c of feed) appended.push(await log.appendJob(c));
      const states = appended.filter((c) => c !== null).map((c) => [c.status, c.progress]);
      expect(states).toEqual([
        ['QUEUED', 0],
        ['ACTIVE', 0],
        ['ACTIVE', 100],
        ['COMPLETED', 100],
      ]);
      const kept = await log.range('jobUpdated', 'j', justBefore(appended[0]?.cursor), 100);
      expect(kept.map((e) => [e.payload.status, e.payload.progress])).toEqual(states);
      expect(kept.at(-1)?.payload).toMatchObject({ id: 'j', result: { rows: [1, 2] }, error: null });
      const live = await take(stream, 4);
      await stream.return();
      expect(live.map((e) => e.cursor)).toEqual(kept.map((e) => e.id));
    });

    it('lets a retry go ACTIVE again after DELAYED, with the error of the delay', async () => {
      const { log } = await open(KEEP);
      const first = await log.appendJob({ id: 'r', status: 'QUEUED' });
      for (const c of [
        { id: 'r', status: 'ACTIVE' },
        { id: 'r', progress: 10 },
        { id: 'r', status: 'DELAYED', error: 'smtp "down"' },
        { id: 'r', status: 'QUEUED' },
        { id: 'r', status: 'ACTIVE' },
        { id: 'r', progress: 10 },
        { id: 'r', status: 'FAILED', error: 'gave up' },
      ] as const)
        await log.appendJob(c);
      const kept = await log.range('jobUpdated', 'r', justBefore(first?.cursor), 100);
      expect(kept.map((e) => [e.payload.status, e.payload.progress, e.payload.error])).toEqual([
        ['QUEUED', 0, null],
        ['ACTIVE', 0, null],
        ['ACTIVE', 10, null],
        ['DELAYED', 10, 'smtp "down"'],
        ['ACTIVE', 10, null],
        ['FAILED', 10, 'gave up'],
      ]);
    });
  });
}
