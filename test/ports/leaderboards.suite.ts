import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog } from '../../src/datasources/ports/event-log.js';
import type { Leaderboards } from '../../src/datasources/ports/leaderboards.js';
import { justBefore } from './event-log.suite.js';

export interface MadeBoards {
  boards: Leaderboards;
  /** The log the boards append their events to. */
  events: EventLog;
  close(): Promise<void>;
}

/** Ranks by definition: 1 + the number of players with a strictly higher score. */
function expectedRank(scores: Map<string, number>, player: string): number {
  const mine = scores.get(player) ?? Number.NaN;
  return 1 + [...scores.values()].filter((s) => s > mine).length;
}

/** The Leaderboards port contract, run against every implementation. */
export function leaderboardsSuite(name: string, make: () => Promise<MadeBoards>): void {
  describe(`Leaderboards (${name})`, () => {
    let made: MadeBoards | undefined;
    const open = async () => {
      made = await make();
      return made.boards;
    };
    afterEach(async () => {
      await made?.close();
      made = undefined;
    });

    it('sets and adds scores, reporting the rank before and after each change', async () => {
      const boards = await open();
      expect(await boards.submit('b', 'ann', 10)).toEqual({
        board: 'b',
        player: 'ann',
        score: 10,
        rank: 1,
        previousRank: null,
        cursor: expect.any(String),
      });
      expect(await boards.submit('b', 'bob', 20)).toMatchObject({ score: 20, rank: 1, previousRank: null });
      expect(await boards.increment('b', 'ann', 15)).toMatchObject({ score: 25, rank: 1, previousRank: 2 });
      expect(await boards.increment('b', 'cid', 2.5)).toMatchObject({
        score: 2.5,
        rank: 3,
        previousRank: null,
      });
      expect(await boards.submit('b', 'ann', 1)).toMatchObject({ score: 1, rank: 3, previousRank: 1 });
      expect(await boards.size('b')).toBe(3);
    });

    it("appends each change's event, with the change's cursor, to the board's log", async () => {
      const boards = await open();
      const events = made?.events;
      const changes = [
        await boards.submit('logged', 'ann', 10.25),
        await boards.increment('logged', 'bob', 1e15),
        await boards.increment('logged', 'ann', -0.5),
      ];
      const kept = await events?.range('leaderboardUpdated', 'logged', justBefore(changes[0]?.cursor), 10);
      expect(kept?.map((e) => ({ ...e.payload, cursor: e.id }))).toEqual(changes);
      expect(changes[2]).toMatchObject({ score: 9.75, rank: 2, previousRank: 2 });
    });

    it('gives equal scores the same rank, and lists ties in one board order', async () => {
      const boards = await open();
      for (const [player, score] of [
        ['a', 5],
        ['b', 7],
        ['c', 5],
        ['d', 9],
        ['e', 5],
      ] as const) {
        await boards.submit('ties', player, score);
      }
      const top = await boards.top('ties', 10);
      expect(top.map((e) => [e.player, e.score, e.rank])).toEqual([
        ['d', 9, 1],
        ['b', 7, 2],
        ['e', 5, 3],
        ['c', 5, 3],
        ['a', 5, 3],
      ]);
      expect(await boards.entry('ties', 'c')).toEqual({ player: 'c', score: 5, rank: 3 });
      expect(await boards.top('ties', 2)).toHaveLength(2);
    });

    it('lists a player and its neighbours with their true ranks, empty for an absent player', async () => {
      const boards = await open();
      const scores = new Map<string, number>();
      for (let i = 0; i < 12; i++) {
        const score = Math.floor(i / 2) * 10; // pairs of equal scores
        scores.set(`p${i}`, score);
        await boards.submit('around', `p${i}`, score);
      }
      const top = await boards.top('around', 100);
      const order = top.map((e) => e.player);
      const window = await boards.around('around', 'p5', 2);
      const at = order.indexOf('p5');
      expect(window.map((e) => e.player)).toEqual(order.slice(at - 2, at + 3));
      for (const entry of window) expect(entry.rank).toBe(expectedRank(scores, entry.player));
      const edge = await boards.around('around', order[0] ?? '', 3);
      expect(edge.map((e) => e.player)).toEqual(order.slice(0, 4));
      expect(await boards.around('around', 'nobody', 3)).toEqual([]);
      expect(await boards.entry('around', 'nobody')).toBeNull();
    });

    it('keeps scores exact through fractional and negative changes', async () => {
      const boards = await open();
      await boards.submit('exact', 'x', 0.1);
      expect((await boards.increment('exact', 'x', 0.2)).score).toBe(0.1 + 0.2);
      expect((await boards.increment('exact', 'y', -3)).score).toBe(-3);
      expect(await boards.entry('exact', 'y')).toEqual({ player: 'y', score: -3, rank: 2 });
    });

    it('never reports a rank that did not exist when increments race', async () => {
      const boards = await open();
      const players = ['a', 'b', 'c', 'd', 'e'];
      const steps = Array.from({ length: 300 }, (_, i) => ({
        player: players[(i * 7) % 5] ?? 'a',
        by: (i % 4) + 1,
      }));
      // Sent at once: the backend applies them in call order (one connection, one process).
      const changes = await Promise.all(steps.map((s) => boards.increment('race', s.player, s.by)));
      // Replayed in that order, every reported rank (before and after) is one that existed.
      const scores = new Map<string, number>();
      steps.forEach((step, i) => {
        const previousRank = scores.has(step.player) ? expectedRank(scores, step.player) : null;
        scores.set(step.player, (scores.get(step.player) ?? 0) + step.by);
        expect(changes[i]).toEqual({
          board: 'race',
          player: step.player,
          score: scores.get(step.player),
          rank: expectedRank(scores, step.player),
          previousRank,
          cursor: expect.any(String),
        });
      });
    });

    it('resets a board, and says whether it had entries', async () => {
      const boards = await open();
      await boards.submit('gone', 'a', 1);
      expect(await boards.reset('gone')).toBe(true);
      expect(await boards.size('gone')).toBe(0);
      expect(await boards.reset('gone')).toBe(false);
      expect(await boards.top('gone', 5)).toEqual([]);
    });
  });
}
