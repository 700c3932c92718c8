import { describe, expect, it } from 'vitest';
import type { PersistedQueryStore } from '../../src/datasources/ports/persisted-queries.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';

export interface PersistedQueryLimitsArg {
  ttlSeconds: number;
  maxEntries: number;
}

/** The PersistedQueryStore contract, run against every implementation. */
export function persistedQueriesSuite(
  name: string,
  make: (limits: PersistedQueryLimitsArg) => Promise<MadePort<PersistedQueryStore>>,
): void {
  describe(`PersistedQueryStore (${name})`, () => {
    const open = freshPort(make);

    it('returns what was registered under a hash, null for a hash never registered', async () => {
      const store = await open({ ttlSeconds: 60, maxEntries: 10 });
      await store.set('a'.repeat(64), 'query A { __typename }');
      expect(await store.get('a'.repeat(64))).toBe('query A { __typename }');
      expect(await store.get('b'.repeat(64))).toBeNull();
    });

    it('keeps the last document registered under a hash', async () => {
      const store = await open({ ttlSeconds: 60, maxEntries: 10 });
      await store.set('c'.repeat(64), 'query One { __typename }');
      await store.set('c'.repeat(64), 'query Two { __typename }');
      expect(await store.get('c'.repeat(64))).toBe('query Two { __typename }');
    });
  });
}
