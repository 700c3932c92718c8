import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../helpers/names.js';
import { pingRedis, type RedisServer, startRedis } from '../helpers/servers.js';

describe('FerretDB from global setup', () => {
  const url = inject('mongodbUrl');

  it('stores and reads back a document in a throwaway database', async () => {
    const client = new MongoClient(url);
    const dbName = uniqueName('test');
    try {
      const db = client.db(dbName);
      const collection = db.collection<{ _id: string; n: number; tags: string[] }>('things');
      await collection.insertOne({ _id: 'a', n: 1, tags: ['x', 'y'] });
      expect(await collection.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1, tags: ['x', 'y'] });
      expect(await db.dropDatabase()).toBe(true);
      const { databases } = await client.db('admin').admin().listDatabases();
      expect(databases.map((d) => d.name)).not.toContain(dbName);
    } finally {
      await client.close();
    }
  });
});

describe('Redis from global setup', () => {
  it('answers PING over a raw socket', async () => {
    const { hostname, port } = new URL(inject('redisUrl'));
    expect(await pingRedis(Number(port), hostname)).toBe('+PONG');
  });
});

describe('startRedis handle', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await redis?.stop();
  });

  it('stops and starts again on the same port', async () => {
    redis = await startRedis();
    const { port, url } = redis;
    expect(url).toBe(`redis://127.0.0.1:${port}`);
    expect(await pingRedis(port)).toBe('+PONG');

    await redis.stop();
    expect(redis.running).toBe(false);
    await expect(pingRedis(port)).rejects.toThrow();

    await redis.start();
    expect(redis.running).toBe(true);
    expect(redis.port).toBe(port);
    expect(await pingRedis(port)).toBe('+PONG');

    await redis.restart();
    expect(await pingRedis(port)).toBe('+PONG');
  });
});
