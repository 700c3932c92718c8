import { z } from 'zod';
import type { Backends } from '../datasources/ports/backends.js';
import type { Counters } from '../datasources/ports/counters.js';
import type { Leaderboards } from '../datasources/ports/leaderboards.js';
import type { StateSection } from './format.js';

const BATCH = 500;

/** Parses each record with `schema` and hands them to `write` in batches; returns how many. */
async function restoreInBatches<S extends z.ZodType>(
  records: AsyncIterable<unknown>,
  schema: S,
  write: (batch: Array<z.infer<S>>) => Promise<void>,
): Promise<number> {
  let batch: Array<z.infer<S>> = [];
  let count = 0;
  for await (const record of records) {
    batch.push(schema.parse(record));
    count += 1;
    if (batch.length >= BATCH) {
      await write(batch);
      batch = [];
    }
  }
  await write(batch);
  return count;
}

async function isEmpty(entries: AsyncIterable<unknown>): Promise<boolean> {
  for await (const _ of entries) return false;
  return true;
}

const counterRecord = z.object({ key: z.string().min(1), value: z.number().int() });

/** Counters (view counts): `{ key, value }` records. */
export function countersSection(counters: Counters): StateSection {
  return {
    name: 'counters',
    async *dump() {
      for await (const [key, value] of counters.entries()) yield { key, value };
    },
    fits: (record) => counterRecord.safeParse(record).success,
    restore: (records) =>
      restoreInBatches(records, counterRecord, (batch) =>
        counters.set(batch.map(({ key, value }) => [key, value] as const)),
      ),
    isEmpty: () => isEmpty(counters.entries()),
    clear: () => counters.clear(),
  };
}

const scoreRecord = z.object({ board: z.string().min(1), player: z.string().min(1), score: z.number() });

/** Leaderboards: `{ board, player, score }` records. */
export function leaderboardsSection(leaderboards: Leaderboards): StateSection {
  return {
    name: 'leaderboards',
    dump: () => leaderboards.entries(),
    fits: (record) => scoreRecord.safeParse(record).success,
    restore: (records) => restoreInBatches(records, scoreRecord, (batch) => leaderboards.load(batch)),
    isEmpty: () => isEmpty(leaderboards.entries()),
    clear: () => leaderboards.clear(),
  };
}

/** The state a backup carries besides documents: leaderboards and counters, never caches or sessions. */
export function stateSections(backends: Backends): StateSection[] {
  return [leaderboardsSection(backends.leaderboards), countersSection(backends.counters)];
}
