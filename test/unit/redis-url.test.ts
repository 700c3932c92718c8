import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { redisOptionsFromUrl } from '../../src/redis-url.js';

describe('REDIS_URL', () => {
  it('reads a plain URL with credentials, database and TLS', () => {
    expect(redisOptionsFromUrl('redis://127.0.0.1:6380/2')).toEqual({ host: '127.0.0.1', port: 6380, db: 2 });
    expect(redisOptionsFromUrl('rediss://app:p%40ss@cache.example.com')).toEqual({
      host: 'cache.example.com',
      port: 6379,
      username: 'app',
      password: 'p@ss',
      tls: {},
    });
    expect(redisOptionsFromUrl('redis://:secret@localhost:6379')).toMatchObject({ password: 'secret' });
  });

  it('reads a Sentinel URL: every sentinel, the master name, the credentials for both', () => {
    expect(redisOptionsFromUrl('redis-sentinel://:pw@10.0.0.1:26379,10.0.0.2/mymaster/1')).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
      name: 'mymaster',
      password: 'pw',
      sentinelPassword: 'pw',
      db: 1,
    });
  });

  it('reads a Redis Cluster URL: every node, with the credentials and TLS for each', () => {
    expect(redisOptionsFromUrl('redis-cluster://10.0.0.1:7000,10.0.0.2')).toEqual({
      clusterNodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
      ],
    });
    expect(redisOptionsFromUrl('rediss-cluster://app:p%40ss@a.example.com:7000')).toEqual({
      clusterNodes: [{ host: 'a.example.com', port: 7000 }],
      username: 'app',
      password: 'p@ss',
      tls: {},
    });
    expect(loadConfig({ REDIS_URL: 'redis-cluster://h1:7000,h2:7001' }).REDIS_URL).toBe(
      'redis-cluster://h1:7000,h2:7001',
    );
  });

  it.each([
    'http://localhost:6379',
    'redis-cluster://h1:7000/1',
    'redis-cluster://h1:0',
    'redis://',
    'redis://a:1,b:2',
    'redis-sentinel://127.0.0.1:26379',
    'redis://host:99999',
    'redis://host/db',
  ])('refuses %s, and the settings name REDIS_URL without echoing it', (url) => {
    expect(() => redisOptionsFromUrl(url)).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: url })).toThrow(/REDIS_URL/);
  });

  it('never echoes a password it refuses', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://:hunter2@a:1,b:2' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
