import { LocalPubSub } from '../../src/pubsub/local.js';
import { pubsubSuite } from './pubsub.suite.js';

pubsubSuite('memory', async () => {
  const pubsub = new LocalPubSub();
  return { port: pubsub, close: () => pubsub.close() };
});
