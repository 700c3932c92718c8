import { MemorySessionStore } from '../../src/datasources/memory/sessions.js';
import { sessionsSuite } from './sessions.suite.js';

sessionsSuite('memory', async () => {
  const sessions = new MemorySessionStore();
  return { port: sessions, close: () => sessions.close() };
});
