/** What one Redis server reports of itself. */
export interface KeyValueNodeStats {
  version: string;
  usedMemoryBytes: number;
  connectedClients: number;
  /** `DBSIZE`: every key of the database, docgate's and any other tenant's. */
  keys: number;
  uptimeSeconds: number;
}

/** One node of a Redis Cluster, as `serverStats` reports it. */
export interface KeyValueClusterNode extends KeyValueNodeStats {
  /** `host:port`, as the cluster announces it. */
  address: string;
  role: 'master' | 'replica';
}

/**
 * What `serverStats` reports of the key-value server (Redis) behind counters, cache and sessions.
 * On a Redis Cluster the top-level figures add up the nodes (keys: the masters' only, as each
 * replica holds a copy), `version` and `uptimeSeconds` are the lowest of them, and `nodes` lists
 * each node; on one server `nodes` is empty.
 */
export interface KeyValueServerStats extends KeyValueNodeStats {
  nodes: KeyValueClusterNode[];
}
