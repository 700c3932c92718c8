import { Cluster, Redis } from 'ioredis';
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

/** A node as `CLUSTER NODES` lists it: `<id> <host:port@bus[,hostname]> <flags> ...`. */
function clusterNodes(text: string): Array<{ host: string; port: number; role: 'master' | 'replica' }> {
  return text
    .split('\n')
    .map((line) => line.trim().split(' '))
    .flatMap(([, address = '', flags = '']) => {
      const set = new Set(flags.split(','));
      if (set.has('fail') || set.has('noaddr') || set.has('handshake')) return [];
      const hostPort = address.split('@')[0] ?? '';
      const at = hostPort.lastIndexOf(':');
      const role = set.has('master') ? ('master' as const) : ('replica' as const);
      return at > 0 ? [{ host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)), role }] : [];
    });
}

/**
 * One node's figures, on the cluster client's own connection to it when it has one (masters);
 * ioredis keeps none to replicas unless reads go to them, so a replica is asked over a
 * connection opened for this read, with the cluster's credentials and TLS.
 */
async function readClusterNode(
  cluster: Cluster,
  node: { host: string; port: number; role: 'master' | 'replica' },
): Promise<KeyValueClusterNode> {
  const address = `${node.host}:${node.port}`;
  const known = cluster.nodes('all').find((n) => `${n.options.host}:${n.options.port}` === address);
  if (known !== undefined) return { address, role: node.role, ...(await readNode(known)) };
  const own = new Redis({
    ...cluster.options.redisOptions,
    host: node.host,
    port: node.port,
    lazyConnect: true,
    enableOfflineQueue: true,
    retryStrategy: () => null,
  });
  own.on('error', () => undefined); // the read below fails with it
  try {
    return { address, role: node.role, ...(await readNode(own)) };
  } finally {
    own.disconnect();
  }
}

/** One server's figures; on a Redis Cluster every node's (masters and replicas), and their sum. */
export async function readRedisStats(redis: RedisClient): Promise<KeyValueServerStats> {
  return redisCall('the Redis server', async () => {
    if (!(redis instanceof Cluster)) return { ...(await readNode(redis)), nodes: [] };
    const [master] = redis.nodes('master');
    if (master === undefined) throw new Error('no master known yet');
    const view = clusterNodes(String(await master.call('CLUSTER', 'NODES')));
    const nodes = await Promise.all(view.map((node) => readClusterNode(redis, node)));
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
