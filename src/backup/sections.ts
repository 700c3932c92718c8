import { z } from 'zod';
import type { Backends } from '../datasources/index.js';
import type { Counters, Leaderboards } from '../datasources/ports.js';
import type { StateSection } from './format.js';

const counterRecord = z.object({ key: z.string().min(1), value: z.number().int() });

/** Counters (view counts): `{ key, value }` records. */
export function countersSection(counters: Counters): StateSection {
  return {
    name: 'counters',
    async *dump() {
      for await (const [key, value] of counters.entries()) yield { key, value };
    },
    async restore(records) {
      let batch: Array<readonly [string, number]> = [];
      let count = 0;
      for await (const record of records) {
        const { key, value } = counterRecord.parse(record);
        batch.push([key, value]);
        count += 1;
        if (batch.length >= 500) {
          await counters.set(batch);
          batch = [];
        }
      }
      await counters.set(batch);
      return count;
    },
    async isEmpty() {
      for await (const _ of counters.entries()) return false;
      return true;
    },
    clear: () => counters.clear(),
  };
}

const scoreRecord = z.object({ board: z.string().min(1), player: z.string().min(1), score: z.number() });

/** Leaderboards: `{ board, player, score }` records. */
export function leaderboardsSection(leaderboards: Leaderboards): StateSection {
  return {
    name: 'leaderboards',
    dump: () => leaderboards.entries(),
    async restore(records) {
      let batch: Array<z.infer<typeof scoreRecord>> = [];
      let count = 0;
      for await (const record of records) {
        batch.push(scoreRecord.parse(record));
        count += 1;
        if (batch.length >= 500) {
          await leaderboards.load(batch);
          batch = [];
        }
      }
      await leaderboards.load(batch);
      return count;
    },
    async isEmpty() {
      for await (const _ of leaderboards.entries()) return false;
      return true;
    },
    clear: () => leaderboards.clear(),
  };
}

/** The state a backup carries besides documents: leaderboards and counters, never caches or sessions. */
export function stateSections(backends: Backends): StateSection[] {
  return [leaderboardsSection(backends.realtime.leaderboards), countersSection(backends.counters)];
}
