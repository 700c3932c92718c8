import { describe, expect, it } from 'vitest';
import type { JobChange } from '../../src/datasources/ports/jobs.js';
import type { LeaderboardChange } from '../../src/datasources/ports/leaderboards.js';
import type { EventStream, PubSub } from '../../src/datasources/ports/pubsub.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';

const change = (score: number, board = 'b'): LeaderboardChange => ({
  board,
  player: 'p',
  score,
  rank: 1,
  previousRank: null,
});

/** Reads the next `count` events of a stream (fewer if it ends first). */
export async function take<T>(stream: EventStream<T>, count: number): Promise<T[]> {
  const events: T[] = [];
  while (events.length < count) {
    const next = await stream.next();
    if (next.done === true) break;
    events.push(next.value);
  }
  return events;
}

/** Whether a stream has ended: its next read is the end or an error, not an event. */
async function ended(stream: EventStream<unknown>): Promise<boolean> {
  return stream.next().then(
    (result) => result.done === true,
    () => true,
  );
}

/** The PubSub contract, run against every implementation. */
export function pubsubSuite(name: string, make: () => Promise<MadePort<PubSub>>): void {
  describe(`PubSub (${name})`, () => {
    const open = freshPort(make);

    it('delivers every event to a subscriber, in publish order', async () => {
      const pubsub = await open();
      const stream = await pubsub.subscribe('leaderboardUpdated', 'b');
      const sent = Array.from({ length: 50 }, (_v, i) => change(i));
      await Promise.all(sent.map((c) => pubsub.publish('leaderboardUpdated', 'b', c)));
      expect(await take(stream, 50)).toEqual(sent);
      await stream.return();
    });

    it('delivers a payload as published: dates, fractions, nested arrays and nulls', async () => {
      const pubsub = await open();
      const stream = await pubsub.subscribe('jobUpdated', 'j1');
      const sent: JobChange = {
        id: 'j1',
        status: 'COMPLETED',
        progress: 100,
        result: {
          at: new Date('2024-05-01T10:00:00.123Z'),
          ratio: 0.1 + 0.2,
          rows: [[1, 'a'], []],
          none: null,
        },
        error: null,
      };
      await pubsub.publish('jobUpdated', 'j1', sent);
      const [received] = await take(stream, 1);
      expect(received).toEqual(sent);
      await stream.return();
    });

    it('delivers only the topic and key subscribed to', async () => {
      const pubsub = await open();
      const stream = await pubsub.subscribe('leaderboardUpdated', 'a');
      await pubsub.publish('leaderboardUpdated', 'other', change(1, 'other'));
      await pubsub.publish('jobUpdated', 'a', { id: 'a', progress: 5 });
      await pubsub.publish('leaderboardUpdated', 'a', change(2, 'a'));
      // Events arrive in publish order, so the first one shows whether the others got through.
      expect(await take(stream, 1)).toEqual([change(2, 'a')]);
      await stream.return();
    });

    it('gives every subscriber of a key every event', async () => {
      const pubsub = await open();
      const one = await pubsub.subscribe('leaderboardUpdated', 'k');
      const two = await pubsub.subscribe('leaderboardUpdated', 'k');
      const elsewhere = await pubsub.subscribe('leaderboardUpdated', 'l');
      expect(pubsub.stats()).toEqual({ channels: 2, listeners: 3 });
      const sent = [change(1, 'k'), change(2, 'k'), change(3, 'k')];
      for (const c of sent) await pubsub.publish('leaderboardUpdated', 'k', c);
      expect(await take(one, 3)).toEqual(sent);
      expect(await take(two, 3)).toEqual(sent);
      for (const stream of [one, two, elsewhere]) await stream.return();
    });

    it('stops delivering to a stream that returned, and keeps delivering to the others', async () => {
      const pubsub = await open();
      const leaving = await pubsub.subscribe('leaderboardUpdated', 'k');
      const staying = await pubsub.subscribe('leaderboardUpdated', 'k');
      await leaving.return();
      expect(pubsub.stats()).toEqual({ channels: 1, listeners: 1 });
      await pubsub.publish('leaderboardUpdated', 'k', change(7, 'k'));
      expect(await take(staying, 1)).toEqual([change(7, 'k')]);
      expect(await ended(leaving)).toBe(true);
      await staying.return();
      expect(pubsub.stats()).toEqual({ channels: 0, listeners: 0 });
      // Nobody listens any more: publishing still succeeds.
      await pubsub.publish('leaderboardUpdated', 'k', change(8, 'k'));
    });

    it('ends every open stream on close', async () => {
      const pubsub = await open();
      const streams = await Promise.all([
        pubsub.subscribe('leaderboardUpdated', 'a'),
        pubsub.subscribe('jobUpdated', 'b'),
      ]);
      await pubsub.close();
      for (const stream of streams) expect(await ended(stream)).toBe(true);
      expect(pubsub.stats()).toEqual({ channels: 0, listeners: 0 });
    });
  });
}
