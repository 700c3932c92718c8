import { describe, expect, it } from 'vitest';
import { uniqueName } from '../helpers/names.js';
import { openRedisPubSub } from '../helpers/redis-pubsub.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { pubsubSuite, take } from './pubsub.suite.js';

const cluster = useTestCluster();

const openPubSub = async (prefix: string) => openRedisPubSub((await cluster()).url, prefix);

pubsubSuite('redis cluster (sharded)', async () => {
  const pubsub = await openPubSub(`${uniqueName('t')}:`);
  return { port: pubsub, close: () => pubsub.close() };
});

describe('PubSub on a Redis Cluster', () => {
  it('delivers across instances on channels of every master (SPUBLISH to SSUBSCRIBE)', async () => {
    const c = await cluster();
    const prefix = `${uniqueName('t')}:`;
    const [a, b] = await Promise.all([openPubSub(prefix), openPubSub(prefix)]);
    try {
      const boards = Array.from({ length: 12 }, (_v, i) => `board${i}`);
      const masters = new Set(
        await Promise.all(
          boards.map(async (k) => (await c.masterOf(`${prefix}events:leaderboardUpdated:{${k}}`)).port),
        ),
      );
      expect(masters.size).toBe(3);
      const streams = await Promise.all(boards.map((k) => b.subscribe('leaderboardUpdated', k)));
      const change = (board: string) => ({ board, player: 'p', score: 1, rank: 1, previousRank: null });
      for (const k of boards) await a.publish('leaderboardUpdated', k, change(k));
      const received = await Promise.all(streams.map((stream) => take(stream, 1)));
      expect(received).toEqual(boards.map((k) => [change(k)]));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
