import { Cluster, type Redis } from 'ioredis';
import type { KeyValueClusterNode, KeyValueNodeStats, KeyValueServerStats } from '../ports/server-stats.js';
import type { RedisClient } from './client.js';
import { redisCall } from './errors.js';

/** Reads `INFO` once and `DBSIZE` once on one server; the reply's text stops here, plain numbers go out. */
async function readNode(redis: Redis): Promise<KeyValueNodeStats> {
  const [info, keys] = await Promise.all([redis.info(), redis.dbsize()]);
  const fields = new Map<string, string>();
  for (const line of info.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  const num = (name: string) => Number(fields.get(name) ?? 0);
  return {
    version: fields.get('redis_version') ?? 'unknown',
    usedMemoryBytes: num('used_memory'),
    connectedClients: num('connected_clients'),
    keys,
    uptimeSeconds: num('uptime_in_seconds'),
  };
}

/** The oldest of the versions, compared part by part (`7.0.15` < `7.2.4`). */
function lowestVersion(versions: readonly string[]): string {
  const parts = (v: string) => v.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return (
    [...versions].sort((a, b) => {
      const [x, y] = [parts(a), parts(b)];
      for (let i = 0; i < Math.max(x.length, y.length); i++) {
        const d = (x[i] ?? 0) - (y[i] ?? 0);
        if (d !== 0) return d;
      }
      return 0;
    })[0] ?? 'unknown'
  );
}

/** One server's figures; on a Redis Cluster every node's (masters and replicas), and their sum. */
export async function readRedisStats(redis: RedisClient): Promise<KeyValueServerStats> {
  return redisCall('the Redis server', async () => {
    if (!(redis instanceof Cluster)) return { ...(await readNode(redis)), nodes: [] };
    const roles = [
      ...redis.nodes('master').map((node) => ({ node, role: 'master' as const })),
      ...redis.nodes('slave').map((node) => ({ node, role: 'replica' as const })),
    ];
    const nodes: KeyValueClusterNode[] = await Promise.all(
      roles.map(async ({ node, role }) => ({
        address: `${node.options.host}:${node.options.port}`,
        role,
        ...(await readNode(node)),
      })),
    );
    nodes.sort((a, b) => a.address.localeCompare(b.address));
    const sum = (pick: (n: KeyValueClusterNode) => number, of = nodes) => of.reduce((t, n) => t + pick(n), 0);
    return {
      version: lowestVersion(nodes.map((n) => n.version)),
      usedMemoryBytes: sum((n) => n.usedMemoryBytes),
      connectedClients: sum((n) => n.connectedClients),
      keys: sum(
        (n) => n.keys,
        nodes.filter((n) => n.role === 'master'),
      ),
      uptimeSeconds: Math.min(...nodes.map((n) => n.uptimeSeconds)),
      nodes,
    };
  });
}
