import type { StoreStats } from '../datasources/ports/documents.js';
import type { KeyValueClusterNode, KeyValueServerStats } from '../datasources/ports/server-stats.js';
import type { ServerStats as ServerStatsShape } from '../services/server-stats.js';
import { builder } from './builder.js';

const RedisNodeRole = builder.enumType('RedisNodeRole', { values: ['MASTER', 'REPLICA'] as const });

const RedisNodeStats = builder.objectRef<KeyValueClusterNode>('RedisNodeStats').implement({
  description: 'One node of a Redis Cluster.',
  fields: (t) => ({
    address: t.exposeString('address', { description: 'host:port, as the cluster announces it.' }),
    role: t.field({
      type: RedisNodeRole,
      resolve: (n) => (n.role === 'master' ? 'MASTER' : 'REPLICA'),
    }),
    version: t.exposeString('version'),
    usedMemoryBytes: t.exposeFloat('usedMemoryBytes'),
    connectedClients: t.exposeInt('connectedClients'),
    keys: t.exposeInt('keys', { description: 'DBSIZE of this node.' }),
    uptimeSeconds: t.exposeInt('uptimeSeconds'),
  }),
});

const RedisStats = builder.objectRef<KeyValueServerStats>('RedisStats').implement({
  description:
    'One Redis server; on a Redis Cluster the sum over its nodes (keys: masters only; version and uptime: the lowest).',
  fields: (t) => ({
    version: t.exposeString('version'),
    usedMemoryBytes: t.exposeFloat('usedMemoryBytes'),
    connectedClients: t.exposeInt('connectedClients'),
    keys: t.exposeInt('keys', { description: 'DBSIZE: every key of the Redis database.' }),
    uptimeSeconds: t.exposeInt('uptimeSeconds'),
    nodes: t.field({
      type: [RedisNodeStats],
      description: 'Each node of a Redis Cluster, masters and replicas; empty on one server.',
      resolve: (s) => s.nodes,
    }),
  }),
});

const DocumentStoreStats = builder.objectRef<StoreStats>('DocumentStoreStats').implement({
  description: "MongoDB's dbStats, or the embedded store's equivalent.",
  fields: (t) => ({
    collections: t.exposeInt('collections'),
    objects: t.exposeInt('objects'),
    dataSizeBytes: t.exposeFloat('dataSizeBytes'),
    indexes: t.exposeInt('indexes'),
  }),
});

const CacheStats = builder.objectRef<ServerStatsShape['cache']>('CacheStats').implement({
  description: "The shared cache's reads since this instance started.",
  fields: (t) => ({
    hits: t.exposeInt('hits'),
    misses: t.exposeInt('misses'),
    hitRate: t.exposeFloat('hitRate', {
      nullable: true,
      description: 'hits / (hits + misses); null before any read.',
    }),
  }),
});

export const ServerStats = builder.objectRef<ServerStatsShape>('ServerStats').implement({
  fields: (t) => ({
    redis: t.field({
      type: RedisStats,
      nullable: true,
      description: 'null on the embedded default.',
      resolve: (s) => s.redis,
    }),
    mongo: t.field({ type: DocumentStoreStats, resolve: (s) => s.mongo }),
    cache: t.field({ type: CacheStats, resolve: (s) => s.cache }),
  }),
});

builder.queryFields((t) => ({
  serverStats: t.field({
    type: ServerStats,
    description: 'The Redis server, the document store and the shared cache (ADMIN).',
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.services.serverStats.read(),
  }),
}));
