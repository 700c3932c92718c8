/** What `serverStats` reports of the key-value server (Redis) behind counters, cache and sessions. */
export interface KeyValueServerStats {
  version: string;
  usedMemoryBytes: number;
  connectedClients: number;
  /** `DBSIZE`: every key of the database, docgate's and any other tenant's. */
  keys: number;
  uptimeSeconds: number;
}
