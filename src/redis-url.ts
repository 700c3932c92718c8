/**
 * Where and how to connect to Redis; the connection's behaviour (timeouts, retries) is set by its
 * user. The fields are ioredis' option names, so the Redis adapters spread it into their options;
 * it is a plain record so that config.ts (a leaf) can validate `REDIS_URL` with the same parser
 * without importing a driver.
 */
export interface RedisEndpoint {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  /** Present (empty: the driver's defaults) for `rediss://`. */
  tls?: Record<string, never>;
  sentinels?: Array<{ host: string; port: number }>;
  /** The Sentinel master's name. */
  name?: string;
  sentinelPassword?: string;
  sentinelUsername?: string;
  /** For `redis-cluster://`: the nodes to learn the cluster's layout from (any of them will do). */
  clusterNodes?: Array<{ host: string; port: number }>;
}

/**
 * Connection options from `REDIS_URL`, the one place it is read:
 * - `redis://[user:password@]host[:port][/db]`, and `rediss://` for TLS;
 * - `redis-sentinel://[user:password@]host:port[,host:port...]/<master name>[/db]` for a Sentinel
 *   deployment (`rediss-sentinel://` for TLS to the servers); the password is the servers', and
 *   the sentinels are asked with the same credentials;
 * - `redis-cluster://[user:password@]host:port[,host:port...]` for a Redis Cluster
 *   (`rediss-cluster://` for TLS): the credentials and TLS apply to every node; a cluster has
 *   only database 0, so a path is refused.
 * Throws on anything else, with a message that never repeats the password.
 */
export function redisOptionsFromUrl(url: string): RedisEndpoint {
  const match =
    /^(rediss?)(-sentinel|-cluster)?:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)(?:\/([^?#]*))?$/.exec(url);
  if (match === null)
    throw new Error(
      'REDIS_URL: expected redis://, rediss://, redis-sentinel://, rediss-sentinel://, redis-cluster:// or rediss-cluster://',
    );
  const [, scheme, kind, user, password, hosts = '', path = ''] = match;
  const sentinel = kind === '-sentinel';
  const credentials: RedisEndpoint = {
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
  const tls = scheme === 'rediss' ? { tls: {} } : {};
  const endpoints = hosts.split(',').map((hostPort) => {
    const at = hostPort.lastIndexOf(':');
    const host = at === -1 ? hostPort : hostPort.slice(0, at);
    const port = at === -1 ? (sentinel ? 26379 : 6379) : Number(hostPort.slice(at + 1));
    if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error('REDIS_URL: bad host:port');
    return { host, port };
  });
  const [first, ...more] = endpoints;
  if (first === undefined) throw new Error('REDIS_URL: no host');
  const parts = path.split('/').filter((p) => p !== '');
  const dbOf = (text: string | undefined) => {
    if (text === undefined) return {};
    const db = Number(text);
    if (!Number.isInteger(db) || db < 0) throw new Error('REDIS_URL: the database must be a number');
    return { db };
  };
  if (kind === '-cluster') {
    if (parts.length > 0) throw new Error('REDIS_URL: a Redis Cluster has only database 0; drop the path');
    return { clusterNodes: endpoints, ...credentials, ...tls };
  }
  if (sentinel) {
    const [name, db] = parts;
    if (name === undefined)
      throw new Error('REDIS_URL: a Sentinel URL names its master: redis-sentinel://host:port/<name>');
    return {
      sentinels: endpoints,
      name: decodeURIComponent(name),
      ...credentials,
      ...(credentials.password === undefined ? {} : { sentinelPassword: credentials.password }),
      ...(credentials.username === undefined ? {} : { sentinelUsername: credentials.username }),
      ...tls,
      ...dbOf(db),
    };
  }
  if (more.length > 0)
    throw new Error('REDIS_URL: one host, or a redis-sentinel:// or redis-cluster:// URL for several');
  return { host: first.host, port: first.port, ...credentials, ...tls, ...dbOf(parts[0]) };
}
