import { describe, expect, it } from 'vitest';
import type { ResponseCacheStore } from '../../src/datasources/ports/response-cache.js';
import { freshPort, type MadePort } from '../helpers/fresh-port.js';

/** The ResponseCacheStore contract, run against every implementation. */
export function responseCacheSuite(name: string, make: () => Promise<MadePort<ResponseCacheStore>>): void {
  describe(`ResponseCacheStore (${name})`, () => {
    const open = freshPort(make);

    it('returns what was stored, null for a key never stored', async () => {
      const cache = await open();
      const { generation } = await cache.get('k');
      expect(await cache.set('k', '{"data":1}', ['Customer', 'Customer:1'], 60_000, generation)).toBe(true);
      expect((await cache.get('k')).body).toBe('{"data":1}');
      expect((await cache.get('other')).body).toBeNull();
    });

    it('drops every entry with an invalidated tag, and only those', async () => {
      const cache = await open();
      const { generation } = await cache.get('a');
      await cache.set('a', 'A', ['Customer', 'Customer:1'], 60_000, generation);
      await cache.set('b', 'B', ['Product', 'Product:9'], 60_000, generation);
      await cache.set('c', 'C', ['Customer', 'Customer:2', 'Query.customers'], 60_000, generation);
      await cache.invalidate(['Customer:1']);
      expect((await cache.get('a')).body).toBeNull();
      expect((await cache.get('c')).body).toBe('C');
      await cache.invalidate(['Query.customers']);
      expect((await cache.get('c')).body).toBeNull();
      expect((await cache.get('b')).body).toBe('B');
    });

    it('refuses to store a result read before an invalidation (a read racing a write)', async () => {
      const cache = await open();
      const before = await cache.get('k');
      await cache.invalidate(['Customer']);
      expect(await cache.set('k', 'old', ['Customer'], 60_000, before.generation)).toBe(false);
      expect((await cache.get('k')).body).toBeNull();
      const after = await cache.get('k');
      expect(await cache.set('k', 'new', ['Customer'], 60_000, after.generation)).toBe(true);
    });
  });
}
