import { describe, expect, it } from 'vitest';
import type { DocumentCache } from '../../src/datasources/ports/cache.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';

/** The DocumentCache contract, run against every implementation. */
export function sharedCacheSuite(name: string, make: () => Promise<MadePort<DocumentCache>>): void {
  describe(`DocumentCache (${name})`, () => {
    const open = freshPort(make);

    it('misses unknown keys and hits after a write-back, in key order', async () => {
      const cache = await open();
      const first = await cache.getMany(['a', 'b', 'c']);
      expect(first.map((r) => r.value)).toEqual([null, null, null]);
      await cache.setMany(
        [
          { key: 'c', value: 'C', version: first[2]?.version ?? '' },
          { key: 'a', value: 'A', version: first[0]?.version ?? '' },
        ],
        60,
      );
      expect((await cache.getMany(['c', 'b', 'a'])).map((r) => r.value)).toEqual(['C', null, 'A']);
    });

    it('removes invalidated keys', async () => {
      const cache = await open();
      const [read] = await cache.getMany(['k']);
      await cache.setMany([{ key: 'k', value: 'v1', version: read?.version ?? '' }], 60);
      await cache.invalidate(['k', 'never-set']);
      expect((await cache.getMany(['k'])).map((r) => r.value)).toEqual([null]);
    });

    it('drops a write-back whose key was invalidated after it was read', async () => {
      const cache = await open();
      // A reader misses and goes to the store; meanwhile a writer changes the document.
      const [stale] = await cache.getMany(['doc']);
      await cache.invalidate(['doc']);
      await cache.setMany([{ key: 'doc', value: 'old', version: stale?.version ?? '' }], 60);
      expect((await cache.getMany(['doc']))[0]?.value).toBeNull();
      // A reader that started after the write may write back.
      const [fresh] = await cache.getMany(['doc']);
      expect(fresh?.version).not.toBe(stale?.version);
      await cache.setMany([{ key: 'doc', value: 'new', version: fresh?.version ?? '' }], 60);
      expect((await cache.getMany(['doc']))[0]?.value).toBe('new');
    });

    it('keeps other keys of a batch when one write-back is stale', async () => {
      const cache = await open();
      const reads = await cache.getMany(['x', 'y']);
      await cache.invalidate(['x']);
      await cache.setMany(
        reads.map((r, i) => ({ key: ['x', 'y'][i] ?? '', value: `v${i}`, version: r.version })),
        60,
      );
      expect((await cache.getMany(['x', 'y'])).map((r) => r.value)).toEqual([null, 'v1']);
    });

    it('expires entries after their TTL', async () => {
      const cache = await open();
      const [read] = await cache.getMany(['short']);
      await cache.setMany([{ key: 'short', value: 'v', version: read?.version ?? '' }], 1);
      expect((await cache.getMany(['short']))[0]?.value).toBe('v');
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect((await cache.getMany(['short']))[0]?.value).toBeNull();
    });

    it('round-trips any string exactly', async () => {
      const cache = await open();
      const value = '{"$date":{"$numberLong":"1700000000000"}} ünïcødé \u0000 \n "quotes"';
      const [read] = await cache.getMany(['s']);
      await cache.setMany([{ key: 's', value, version: read?.version ?? '' }], 60);
      expect((await cache.getMany(['s']))[0]?.value).toBe(value);
    });

    it('counts hits and misses', async () => {
      const cache = await open();
      const before = cache.stats();
      const reads = await cache.getMany(['h1', 'h2']);
      await cache.setMany([{ key: 'h1', value: '1', version: reads[0]?.version ?? '' }], 60);
      await cache.getMany(['h1', 'h2', 'h1']);
      const after = cache.stats();
      expect(after.hits - before.hits).toBe(2);
      expect(after.misses - before.misses).toBe(3);
    });
  });
}
