import { describe, expect, it, vi } from 'vitest';
import { MemoryDocumentCache } from '../../src/datasources/memory/cache.js';
import type { CacheRead, DocumentCache } from '../../src/datasources/ports/cache.js';
import { createLogger } from '../../src/logger.js';
import { SharedCache } from '../../src/services/shared-cache.js';

/** A cache whose backend can be made unreachable, keeping its data (a network cut, not a restart). */
class Unreachable implements DocumentCache {
  down = false;
  constructor(private readonly inner = new MemoryDocumentCache()) {}
  private check(): void {
    if (this.down) throw new Error('connection refused');
  }
  async getMany(keys: readonly string[]): Promise<CacheRead[]> {
    this.check();
    return this.inner.getMany(keys);
  }
  async setMany(entries: ReadonlyArray<{ key: string; value: string; version: string }>, ttl: number) {
    this.check();
    return this.inner.setMany(entries, ttl);
  }
  async invalidate(keys: readonly string[]) {
    this.check();
    return this.inner.invalidate(keys);
  }
  stats() {
    return this.inner.stats();
  }
  async close() {}
}

describe('SharedCache when its backend is unreachable', () => {
  const silent = createLogger('silent');
  const byId = (cache: SharedCache, load: (ids: string[]) => Promise<Array<{ id: string; v: number }>>) =>
    cache.byIds('doc', ['a'], load, (d) => d.id).then((m) => m.get('a'));

  it('reads from the store and writes nothing back', async () => {
    const port = new Unreachable();
    const cache = new SharedCache(port, 60, silent);
    port.down = true;
    const load = vi.fn(async () => [{ id: 'a', v: 1 }]);
    expect(await byId(cache, load)).toEqual({ id: 'a', v: 1 });
    expect(await byId(cache, load)).toEqual({ id: 'a', v: 1 });
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never serves what this instance changed while the cache was unreachable', async () => {
    const port = new Unreachable();
    const cache = new SharedCache(port, 60, silent);
    let stored = { id: 'a', v: 1 };
    const load = vi.fn(async () => [stored]);
    await byId(cache, load); // cached: v1
    port.down = true;
    stored = { id: 'a', v: 2 };
    await expect(cache.invalidate('doc', ['a'])).resolves.toBeUndefined(); // a write never fails on the cache
    port.down = false; // back, with its old data
    expect(await byId(cache, load)).toEqual({ id: 'a', v: 2 });
    expect(await byId(cache, load)).toEqual({ id: 'a', v: 2 });
    expect(load).toHaveBeenCalledTimes(2); // the second read of v2 was a hit
  });

  it('logs the outage once and its end once', async () => {
    const port = new Unreachable();
    const warn = vi.fn();
    const info = vi.fn();
    const logger = Object.assign(createLogger('silent'), { warn, info });
    const cache = new SharedCache(port, 60, logger);
    port.down = true;
    for (let i = 0; i < 5; i++) await byId(cache, async () => [{ id: 'a', v: 1 }]);
    expect(warn).toHaveBeenCalledTimes(1);
    port.down = false;
    await byId(cache, async () => [{ id: 'a', v: 1 }]);
    await byId(cache, async () => [{ id: 'a', v: 1 }]);
    expect(info).toHaveBeenCalledTimes(1);
  });
});
