import { inject } from 'vitest';
import { RedisPubSub } from '../../src/datasources/redis/pubsub.js';
import { UnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { eventually } from './realtime.js';

/** A Redis pub/sub on the run's Redis, once its subscriber connection is ready. */
export async function openPubSub(prefix: string): Promise<RedisPubSub> {
  const pubsub = new RedisPubSub(inject('redisUrl'), prefix, createLogger('silent'));
  // subscribe() refuses until the subscriber connection is up, and no event says when it is.
  await eventually(
    async () => {
      try {
        await (await pubsub.subscribe('jobUpdated', 'ready')).return();
        return true;
      } catch (err) {
        if (err instanceof UnavailableError) return false;
        throw err;
      }
    },
    10_000,
    'pub/sub subscriber ready',
  );
  return pubsub;
}
