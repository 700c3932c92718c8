import { MemoryPresence } from '../../src/datasources/memory/presence.js';
import { presenceSuite } from './presence.suite.js';

presenceSuite('memory', async (ttlMs) => {
  const presence = new MemoryPresence(ttlMs);
  return { port: presence, close: () => presence.close() };
});
