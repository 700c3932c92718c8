import { inject } from 'vitest';
import { RedisPubSub } from '../../src/datasources/redis/pubsub.js';
import { UnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { eventually } from './realtime.js';

/** A Redis pub/sub on `url` (one server or a cluster), once its subscriber connections are ready. */
export async function openRedisPubSub(url: string, prefix: string): Promise<RedisPubSub> {
  const pubsub = new RedisPubSub(url, prefix, createLogger('silent'));
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

/** A Redis pub/sub on the run's own Redis server. */
export const openPubSub = (prefix: string): Promise<RedisPubSub> =>
  openRedisPubSub(inject('redisUrl'), prefix);
