import { describe, expect, it } from 'vitest';
import type { Counters } from '../../src/datasources/ports/counters.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';

/** The Counters contract, run against every implementation. */
export function countersSuite(name: string, make: () => Promise<MadePort<Counters>>): void {
  describe(`Counters (${name})`, () => {
    const open = freshPort(make);

    it('counts up from one and reads values in key order, 0 for a key never counted', async () => {
      const counters = await open();
      expect(await counters.increment('a')).toBe(1);
      expect(await counters.increment('a')).toBe(2);
      expect(await counters.increment('b')).toBe(1);
      expect(await counters.get(['b', 'unknown', 'a'])).toEqual([1, 0, 2]);
      expect(await counters.get([])).toEqual([]);
    });

    it('loses no increment when many race', async () => {
      const counters = await open();
      const results = await Promise.all(Array.from({ length: 200 }, () => counters.increment('race')));
      expect(new Set(results).size).toBe(200);
      expect(await counters.get(['race'])).toEqual([200]);
    });
  });
}
