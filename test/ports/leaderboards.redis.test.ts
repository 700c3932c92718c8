import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisEventLog } from '../../src/datasources/redis/event-log.js';
import { RedisLeaderboards } from '../../src/datasources/redis/leaderboards.js';
import { eventually } from '../helpers/realtime.js';
import { openTestRedis } from '../helpers/redis.js';
import { leaderboardsSuite } from './leaderboards.suite.js';

leaderboardsSuite('redis (sorted sets)', async () => {
  const t = await openTestRedis();
  const events = new RedisEventLog(t.redis, t.prefix, { retentionSeconds: 3600, maxLength: 10_000 });
  return { boards: new RedisLeaderboards(t.redis, t.prefix, events), events, close: () => t.close() };
});

describe('a score change on Redis', () => {
  it('is one round trip: the script changes the board, logs and publishes its event', async () => {
    const t = await openTestRedis();
    const events = new RedisEventLog(t.redis, t.prefix, { retentionSeconds: 3600, maxLength: 10_000 });
    const boards = new RedisLeaderboards(t.redis, t.prefix, events);
    if (!(t.redis instanceof Redis)) throw new Error('MONITOR needs one server');
    const monitor = await t.redis.monitor();
    try {
      await boards.submit('trips', 'warm', 1); // the first call may send the script whole (EVAL)
      const seen: Array<{ args: string[]; source: string }> = [];
      // MONITOR sees every client of the run's shared server, and reports the warm-up call late
      // under load: keep the commands of this player's two changes (each names the player).
      const player = 'ann-round-trip';
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args.some((a) => a.includes(player))) seen.push({ args, source });
      });
      await boards.submit('trips', player, 2);
      await boards.increment('trips', player, 3);
      const publishes = () => seen.filter((s) => s.args[0]?.toUpperCase() === 'PUBLISH').length;
      await eventually(async () => publishes() === 2, 5000, 'both events published');
      const fromClient = seen.filter((s) => s.source !== 'lua').map((s) => s.args[0]?.toUpperCase());
      const inScript = seen.filter((s) => s.source === 'lua').map((s) => s.args[0]?.toUpperCase());
      expect(fromClient).toEqual(['EVALSHA', 'EVALSHA']);
      expect(inScript).toEqual(expect.arrayContaining(['ZADD', 'ZINCRBY', 'XADD', 'PUBLISH']));
    } finally {
      monitor.disconnect();
      await t.close();
    }
  });
});
