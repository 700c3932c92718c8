import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import type { RedisClient } from '../../src/datasources/redis/client.js';
import { RedisEventLog } from '../../src/datasources/redis/event-log.js';
import { RedisLeaderboards } from '../../src/datasources/redis/leaderboards.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { leaderboardsSuite } from './leaderboards.suite.js';

const cluster = useTestCluster();
const OPTIONS = { retentionSeconds: 3600, maxLength: 10_000 };
const boardsOn = (t: { redis: RedisClient; prefix: string }) => {
  const events = new RedisEventLog(t.redis, t.prefix, OPTIONS);
  return { boards: new RedisLeaderboards(t.redis, t.prefix, events), events };
};

leaderboardsSuite('redis cluster', async () => {
  const t = await openTestRedis((await cluster()).url);
  return { ...boardsOn(t), close: () => t.close() };
});

describe('Leaderboards on a Redis Cluster', () => {
  it("hash-tags a board's key with the board, the slot its events' channel shares", async () => {
    const t = await openTestRedis((await cluster()).url);
    try {
      const { boards } = boardsOn(t);
      await boards.submit('weekly', 'ann', 5);
      expect((await t.keys()).sort()).toEqual([
        `${t.prefix}leaderboard:{weekly}`,
        `${t.prefix}log:leaderboardUpdated:{weekly}`,
      ]);
      expect(calculateSlot(`${t.prefix}leaderboard:{weekly}`)).toBe(
        calculateSlot(`${t.prefix}events:leaderboardUpdated:{weekly}`),
      );
      expect(calculateSlot(`${t.prefix}leaderboard:{weekly}`)).toBe(
        calculateSlot(`${t.prefix}log:leaderboardUpdated:{weekly}`),
      );
    } finally {
      await t.close();
    }
  });

  it('lists, loads and clears boards living on every master (what a backup and a restore use)', async () => {
    const t = await openTestRedis((await cluster()).url);
    try {
      const { boards } = boardsOn(t);
      const rows = Array.from({ length: 12 }, (_v, i) => ({
        board: `board${i}`,
        player: `p${i}`,
        score: i + 0.5,
      }));
      await boards.load(rows);
      const masters = new Set(
        await Promise.all(
          rows.map(
            async (r) => (await (await cluster()).masterOf(`${t.prefix}leaderboard:{${r.board}}`)).port,
          ),
        ),
      );
      expect(masters.size).toBe(3);
      const listed = [];
      for await (const entry of boards.entries()) listed.push(entry);
      expect(listed.sort((a, b) => a.score - b.score)).toEqual(rows);
      await boards.clear();
      expect(await t.keys()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
