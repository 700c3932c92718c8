import { describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../src/datasources/memory/event-log.js';
import { MemoryPubSub } from '../../src/datasources/memory/pubsub.js';
import type { LeaderboardChange } from '../../src/datasources/ports/leaderboards.js';
import type { EventStream } from '../../src/datasources/ports/pubsub.js';
import { UnavailableError } from '../../src/errors.js';
import { EventQueue } from '../../src/event-queue.js';
import { REPLAY_PAGE, resumable } from '../../src/services/resume.js';
import { change } from '../ports/event-log.suite.js';

function setUp() {
  const pubsub = new MemoryPubSub();
  const log = new MemoryEventLog({ retentionSeconds: 3600, maxLength: 20_000 }, pubsub);
  let fetched = 0;
  let ranges = 0;
  let failLive = 0;
  let current: EventStream<LeaderboardChange> | null = null;
  const source = {
    live: async () => {
      if (failLive > 0) {
        failLive--;
        throw new UnavailableError('down');
      }
      current = await pubsub.subscribe('leaderboardUpdated', 'b');
      return current;
    },
    range: async (after: string, count: number) => {
      ranges++;
      const page = await log.range('leaderboardUpdated', 'b', after, count);
      fetched += page.length;
      return page;
    },
    latest: async () => (await log.last('leaderboardUpdated', 'b'))?.id ?? null,
  };
  return {
    pubsub,
    log,
    source,
    fetched: () => fetched,
    ranges: () => ranges,
    failLiveTimes: (n: number) => {
      failLive = n;
    },
    /** Ends the live feed with an error, as RedisPubSub does when its connection drops. */
    dropLive: () => {
      if (current instanceof EventQueue)
        current.end(new UnavailableError('realtime events were interrupted'));
    },
  };
}

async function read(
  stream: EventStream<{ score: number; id: string }>,
  n: number,
  each?: (i: number) => void,
) {
  const out: Array<{ score: number; id: string }> = [];
  while (out.length < n) {
    const next = await stream.next();
    if (next.done === true) break;
    out.push(next.value);
    each?.(out.length);
  }
  return out;
}

describe('a resumable stream', () => {
  it('replays 10,000 events to a slow reader holding at most one page, then goes live, none twice', async () => {
    const t = setUp();
    const start = t.log.appendNow('leaderboardUpdated', 'b', change(-1));
    for (let i = 0; i < 10_000; i++) t.log.appendNow('leaderboardUpdated', 'b', change(i));
    const stream = await resumable(t.source, start, (c, id) => ({ score: c.score, id }));
    let worst = 0;
    // Events appended while the reader is still replaying go live and into the log both.
    const got = await read(stream, 10_000, (delivered) => {
      worst = Math.max(worst, t.fetched() - delivered);
      if (delivered % 2500 === 0)
        t.log.appendNow('leaderboardUpdated', 'b', change(10_000 + delivered / 2500 - 1));
      return undefined;
    });
    const rest = await read(stream, 4);
    await stream.return();
    expect([...got, ...rest].map((e) => e.score)).toEqual([...Array(10_004).keys()]);
    expect(worst).toBeLessThanOrEqual(REPLAY_PAGE);
    expect(t.ranges()).toBeGreaterThanOrEqual(100);
    expect(t.pubsub.stats().listeners).toBe(0);
  });

  it('goes on without a gap when its live feed is lost, re-reading the log from its last event', async () => {
    const t = setUp();
    t.log.appendNow('leaderboardUpdated', 'b', change(0));
    const stream = await resumable(t.source, null, (c, id) => ({ score: c.score, id }));
    t.log.appendNow('leaderboardUpdated', 'b', change(1));
    expect((await read(stream, 1)).map((e) => e.score)).toEqual([1]);
    // The feed ends with an error (as on Redis loss) and cannot be had back twice.
    t.failLiveTimes(2);
    t.dropLive();
    t.log.appendNow('leaderboardUpdated', 'b', change(2));
    t.log.appendNow('leaderboardUpdated', 'b', change(3));
    const pending = read(stream, 3);
    setTimeout(() => t.log.appendNow('leaderboardUpdated', 'b', change(4)), 500);
    expect((await pending).map((e) => e.score)).toEqual([2, 3, 4]);
    await stream.return();
  });
});
