import { MemoryCounters } from '../../src/datasources/memory/counters.js';
import { countersSuite } from './counters.suite.js';

countersSuite('memory', async () => {
  const counters = new MemoryCounters();
  return { port: counters, close: () => counters.close() };
});
