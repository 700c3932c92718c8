import { describe, expect, it } from 'vitest';
import { MemoryResponseCache } from '../../src/datasources/memory/response-cache.js';
import { responseCacheSuite } from './response-cache.suite.js';

responseCacheSuite('memory', async () => {
  const cache = new MemoryResponseCache();
  return { port: cache, close: () => cache.close() };
});

describe('response cache in process', () => {
  it('forgets an entry after its TTL', async () => {
    let now = 0;
    const cache = new MemoryResponseCache(() => now);
    await cache.set('k', 'v', ['T'], 1000, (await cache.get('k')).generation);
    now = 999;
    expect((await cache.get('k')).body).toBe('v');
    now = 1000;
    expect((await cache.get('k')).body).toBeNull();
    expect(cache.size).toBe(0);
  });
});
