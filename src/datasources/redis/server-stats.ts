import type { Redis } from 'ioredis';
import type { KeyValueServerStats } from '../ports/server-stats.js';
import { redisCall } from './errors.js';

/** Reads `INFO` once and `DBSIZE` once; the reply's text stops here, plain numbers go out. */
export async function readRedisStats(redis: Redis): Promise<KeyValueServerStats> {
  const [info, keys] = await redisCall('the Redis server', () => Promise.all([redis.info(), redis.dbsize()]));
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
