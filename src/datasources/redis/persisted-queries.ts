import type { PersistedQueryLimits, PersistedQueryStore } from '../ports/persisted-queries.js';
import type { RedisClient } from './client.js';
import { redisCall } from './errors.js';

/** A lookup gives up sooner than the command timeout: the client can always send the document. */
const READ_DEADLINE_MS = 500;

/**
 * Persisted queries as Redis strings `<prefix>apq:<sha256>`, one key each (so a Redis Cluster
 * spreads them), each expiring `ttlSeconds` after its last use (GETEX refreshes it). The count is
 * bounded by the TTL and the rate at which callers may register (the request rate limit), and
 * Redis' own maxmemory policy beyond that; `maxEntries` bounds the in-process store only.
 */
export class RedisPersistedQueries implements PersistedQueryStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly limits: PersistedQueryLimits,
  ) {}

  private key(hash: string): string {
    return `${this.prefix}apq:${hash}`;
  }

  async get(hash: string): Promise<string | null> {
    return redisCall(
      'the persisted queries',
      () => this.redis.getex(this.key(hash), 'EX', this.limits.ttlSeconds),
      READ_DEADLINE_MS,
    );
  }

  async set(hash: string, document: string): Promise<void> {
    await redisCall('the persisted queries', () =>
      this.redis.set(this.key(hash), document, 'EX', this.limits.ttlSeconds),
    );
  }

  async close(): Promise<void> {}
}
