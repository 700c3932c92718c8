import { RedisPersistedQueries } from '../../src/datasources/redis/persisted-queries.js';
import { openTestRedis } from '../helpers/redis.js';
import { useTestCluster } from '../helpers/test-cluster.js';
import { persistedQueriesSuite } from './persisted-queries.suite.js';

const cluster = useTestCluster();

persistedQueriesSuite('redis cluster', async (limits) => {
  const own = await openTestRedis((await cluster()).url);
  return { port: new RedisPersistedQueries(own.redis, own.prefix, limits), close: () => own.close() };
});
