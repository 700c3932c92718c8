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

let clusterBackend: (() => Promise<RedisCluster>) | undefined;

/**
 * Lets this test file's apps use the `cluster` backend (the run's DocumentDB, and a local Redis
 * Cluster of this file's own for Redis); call once at the file's top level.
 */
export function useClusterBackend(): void {
  clusterBackend = useTestCluster();
}

/** The `redis-cluster://` URL of this file's cluster (see useClusterBackend). */
export async function clusterBackendUrl(): Promise<string> {
  if (clusterBackend === undefined) throw new Error('call useClusterBackend() at the top of the test file');
  return (await clusterBackend()).url;
}
