import { afterEach, describe, expect, it } from 'vitest';
import {
  IncrementScoreDocument,
  LeaderboardDocument,
  ResetLeaderboardDocument,
  SubmitScoreDocument,
} from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';

/** The leaderboard operations of the contract, through the app on one backend. */
export function leaderboardOperationsSuite(backend: BackendName): void {
  describe(`leaderboard operations (${backend})`, () => {
    let t: TestApp;
    afterEach(async () => {
      await t.close();
    });

    it('serves the contract operations with ranks, top, entry and around', async () => {
      t = await makeApp(backend);
      const user = await t.signIn('USER');
      for (const [player, score] of [
        ['ann', 30],
        ['bob', 10],
        ['cid', 20],
      ] as const) {
        const r = await t.run(SubmitScoreDocument, { board: 'game:1', player, score }, user);
        expect(r.errors).toBeUndefined();
      }
      const inc = await t.run(IncrementScoreDocument, { board: 'game:1', player: 'bob', by: 15 }, user);
      expect(inc.data?.incrementScore).toEqual({ player: 'bob', score: 25, rank: 2 });
      const read = await t.run(LeaderboardDocument, { board: 'game:1', first: 2, player: 'cid', radius: 1 });
      expect(read.errors).toBeUndefined();
      expect(read.data?.leaderboard).toEqual({
        size: 3,
        top: [
          { rank: 1, player: 'ann', score: 30 },
          { rank: 2, player: 'bob', score: 25 },
        ],
        entry: { rank: 3, player: 'cid', score: 20 },
        around: [
          { rank: 2, player: 'bob', score: 25 },
          { rank: 3, player: 'cid', score: 20 },
        ],
      });
    });

    it('refuses names, players and sizes outside the contract with BAD_USER_INPUT naming the field', async () => {
      t = await makeApp(backend);
      const user = await t.signIn('USER');
      const cases: Array<[Record<string, string | number>, string]> = [
        [{ board: '', player: 'a', score: 1 }, 'board'],
        [{ board: 'x'.repeat(65), player: 'a', score: 1 }, 'board'],
        [{ board: 'has space', player: 'a', score: 1 }, 'board'],
        [{ board: 'b', player: 'p'.repeat(129), score: 1 }, 'player'],
        [{ board: 'b', player: 'é', score: 1 }, 'player'],
        [{ board: 'b', player: 'a', score: 1e300 }, 'score'],
      ];
      for (const [vars, field] of cases) {
        const r = await t.run(SubmitScoreDocument, vars as never, user);
        expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      const ok = await t.run(
        SubmitScoreDocument,
        { board: 'a-Z_0:9.x', player: 'p'.repeat(128), score: 1 },
        user,
      );
      expect(ok.errors).toBeUndefined();
      const big = await t.run(LeaderboardDocument, { board: 'b', first: 101, player: 'a', radius: 1 });
      expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      const wide = await t.run(LeaderboardDocument, { board: 'b', first: 1, player: 'a', radius: 51 });
      expect(wide.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'radius' });
    });

    it('lets anyone read, a USER write, and only an ADMIN reset', async () => {
      t = await makeApp(backend);
      const anonymous = await t.run(SubmitScoreDocument, { board: 'b', player: 'a', score: 1 });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const user = await t.signIn('USER');
      await t.run(SubmitScoreDocument, { board: 'b', player: 'a', score: 1 }, user);
      const read = await t.run(LeaderboardDocument, { board: 'b', first: 5, player: 'a', radius: 0 });
      expect(read.data?.leaderboard.size).toBe(1);
      const refused = await t.run(ResetLeaderboardDocument, { board: 'b' }, user);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const admin = await t.signIn('ADMIN');
      const reset = await t.run(ResetLeaderboardDocument, { board: 'b' }, admin);
      expect(reset.data?.resetLeaderboard).toBe(true);
    });
  });
}
