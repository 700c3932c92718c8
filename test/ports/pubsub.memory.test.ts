import { MemoryPubSub } from '../../src/datasources/memory/pubsub.js';
import { pubsubSuite } from './pubsub.suite.js';

pubsubSuite('memory', async () => {
  const pubsub = new MemoryPubSub();
  return { port: pubsub, close: () => pubsub.close() };
});
