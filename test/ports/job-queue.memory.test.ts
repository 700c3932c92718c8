import { MemoryJobQueue } from '../../src/datasources/memory/jobs.js';
import { jobQueueSuite } from './job-queue.suite.js';

jobQueueSuite('memory', async (options) => {
  const queue = new MemoryJobQueue(options);
  return { queue, close: () => queue.close() };
});
