import { z } from 'zod';
import type { Backends } from '../datasources/index.js';
import type { Counters } from '../datasources/ports.js';
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

/** The state a backup carries besides documents: leaderboards and counters, never caches or sessions. */
export function stateSections(backends: Backends): StateSection[] {
  return [countersSection(backends.counters)];
}
