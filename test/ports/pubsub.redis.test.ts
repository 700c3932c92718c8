import { describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers/names.js';
import { openPubSub } from '../helpers/redis-pubsub.js';
import { pubsubSuite, take } from './pubsub.suite.js';

pubsubSuite('redis', async () => {
  const pubsub = await openPubSub(`${uniqueName('t')}:`);
  return { port: pubsub, close: () => pubsub.close() };
});

describe('PubSub on Redis', () => {
  it('delivers across instances that share a prefix, and not to another prefix', async () => {
    const prefix = `${uniqueName('t')}:`;
    const [a, b, stranger] = await Promise.all([
      openPubSub(prefix),
      openPubSub(prefix),
      openPubSub(`${uniqueName('t')}:`),
    ]);
    try {
      const onA = await a.subscribe('jobUpdated', 'j');
      const onB = await b.subscribe('jobUpdated', 'j');
      const onStranger = await stranger.subscribe('jobUpdated', 'j');
      await a.publish('jobUpdated', 'j', { id: 'j', progress: 10 });
      await b.publish('jobUpdated', 'j', { id: 'j', progress: 20 });
      expect(await take(onA, 2)).toEqual([
        { id: 'j', progress: 10 },
        { id: 'j', progress: 20 },
      ]);
      expect(await take(onB, 2)).toEqual([
        { id: 'j', progress: 10 },
        { id: 'j', progress: 20 },
      ]);
      // The stranger's first event is its own: none of the others' reached it.
      await stranger.publish('jobUpdated', 'j', { id: 'j', progress: 30 });
      expect(await take(onStranger, 1)).toEqual([{ id: 'j', progress: 30 }]);
    } finally {
      await Promise.all([a.close(), b.close(), stranger.close()]);
    }
  });
});
