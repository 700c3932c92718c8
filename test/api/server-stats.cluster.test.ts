import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { makeApp } from '../helpers/app.js';
import { useClusterBackend } from '../helpers/test-cluster.js';
import { serverStatsSuite } from './server-stats.suite.js';

useClusterBackend();
serverStatsSuite('cluster');

interface NodeStats {
  address: string;
  role: 'MASTER' | 'REPLICA';
  keys: number;
  usedMemoryBytes: number;
  uptimeSeconds: number;
}
const ClusterStats: TypedDocumentNode<
  { serverStats: { redis: { keys: number; usedMemoryBytes: number; nodes: NodeStats[] } | null } },
  Record<string, never>
> = parse(
  `{ serverStats { redis { keys usedMemoryBytes nodes { address role keys usedMemoryBytes uptimeSeconds } } } }`,
);

describe('serverStats on a Redis Cluster', () => {
  it('lists every node with its role and figures, and adds them up', async () => {
    const t = await makeApp('cluster');
    try {
      const admin = await t.signIn('ADMIN');
      const redis = (await t.run(ClusterStats, {}, admin)).data?.serverStats.redis;
      const nodes = redis?.nodes ?? [];
      expect(nodes.map((n) => n.role).sort()).toEqual([
        'MASTER',
        'MASTER',
        'MASTER',
        'REPLICA',
        'REPLICA',
        'REPLICA',
      ]);
      expect(new Set(nodes.map((n) => n.address)).size).toBe(6);
      const masters = nodes.filter((n) => n.role === 'MASTER');
      expect(redis?.keys).toBe(masters.reduce((sum, n) => sum + n.keys, 0));
      expect(redis?.keys).toBeGreaterThan(0);
      expect(redis?.usedMemoryBytes).toBe(nodes.reduce((sum, n) => sum + n.usedMemoryBytes, 0));
    } finally {
      await t.close();
    }
  });
});
