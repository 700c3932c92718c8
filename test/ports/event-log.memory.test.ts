import { MemoryEventLog } from '../../src/datasources/memory/event-log.js';
import { MemoryPubSub } from '../../src/datasources/memory/pubsub.js';
import { eventLogSuite } from './event-log.suite.js';

eventLogSuite('memory', async (options) => {
  const pubsub = new MemoryPubSub();
  const log = new MemoryEventLog(options, pubsub);
  return {
    port: { log, pubsub },
    close: async () => {
      await log.close();
      await pubsub.close();
    },
  };
});
