import { MemoryDocumentCache } from '../../src/datasources/memory/cache.js';
import { sharedCacheSuite } from './shared-cache.suite.js';

sharedCacheSuite('memory', async () => {
  const cache = new MemoryDocumentCache();
  return { port: cache, close: () => cache.close() };
});
