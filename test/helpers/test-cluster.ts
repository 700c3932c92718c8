import { afterAll } from 'vitest';
import { type RedisCluster, startRedisCluster } from './redis-cluster.js';

/**
 * One local Redis Cluster (3 masters, 3 replicas) for the test file that calls this at its top
 * level: started on first use, stopped after the file's last test.
 */
export function useTestCluster(): () => Promise<RedisCluster> {
  let started: Promise<RedisCluster> | undefined;
  afterAll(async () => {
    await (await started?.catch(() => undefined))?.stop();
  });
  return () => {
    started ??= startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    return started;
  };
}
