import { describe, expect, it } from 'vitest';
import { MemoryPersistedQueries } from '../../src/datasources/memory/persisted-queries.js';
import { persistedQueriesSuite } from './persisted-queries.suite.js';

persistedQueriesSuite('memory', async (limits) => {
  const store = new MemoryPersistedQueries(limits);
  return { port: store, close: () => store.close() };
});

describe('persisted queries in process', () => {
  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const store = new MemoryPersistedQueries({ ttlSeconds: 60, maxEntries: 2 });
    await store.set('one', 'q1');
    await store.set('two', 'q2');
    expect(await store.get('one')).toBe('q1'); // `two` is now the least recently used
    await store.set('three', 'q3');
    expect(store.size).toBe(2);
    expect(await store.get('two')).toBeNull();
    expect(await store.get('one')).toBe('q1');
    expect(await store.get('three')).toBe('q3');
  });

  it('forgets a document unused for ttlSeconds; each use extends it', async () => {
    let now = 0;
    const store = new MemoryPersistedQueries({ ttlSeconds: 10, maxEntries: 10 }, () => now);
    await store.set('h', 'q');
    now = 9_000;
    expect(await store.get('h')).toBe('q');
    now = 18_000;
    expect(await store.get('h')).toBe('q');
    now = 28_001;
    expect(await store.get('h')).toBeNull();
    expect(store.size).toBe(0);
  });
});
