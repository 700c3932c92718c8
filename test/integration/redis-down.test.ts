import { Writable } from 'node:stream';
import type { ExecutionResult } from 'graphql';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedis } from '../../src/datasources/redis/client.js';
import {
  LoginDocument,
  MeDocument,
  ProductDocument,
  type ProductQuery,
  RegisterDocument,
} from '../generated/operations.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';
import { type RedisServer, startRedis } from '../helpers/servers.js';

const PASSWORD = 'correct horse battery';
const codes = (result: ExecutionResult<unknown>) => (result.errors ?? []).map((e) => e.extensions?.code);

describe('when Redis goes down, and comes back', () => {
  let server: RedisServer;
  let t: TestApp;
  let token: Record<string, string>;
  let productId: string;
  const logs: Array<{ level: number; msg: string }> = [];

  beforeAll(async () => {
    server = await startRedis();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    t = await makeApp(
      'embedded',
      { REDIS_URL: server.url, REDIS_PREFIX: `${uniqueName('down')}:`, RATE_LIMIT_POINTS: '30' },
      { logger: pino({ level: 'info' }, sink) },
    );
    token = await t.signIn('USER');
    productId = (await t.services.products.create({ name: 'Kettle', price: 25, stock: 8 })).id;
  });
  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  const timedProduct = async (headers: Record<string, string> = {}) => {
    const started = performance.now();
    const response = await t.fetch(ProductDocument, { id: productId }, headers);
    const body = (await response.json()) as ExecutionResult<ProductQuery>;
    return { response, body, ms: performance.now() - started };
  };

  it('serves reads from the shared cache while Redis is up', async () => {
    await timedProduct();
    const before = t.services.cache.stats().hits;
    const { body } = await timedProduct();
    expect(body.data?.product?.stock).toBe(8);
    expect(t.services.cache.stats().hits).toBe(before + 1);
  });

  it('does not hang while Redis is slow: reads answer, sessions fail within the command timeout', async () => {
    const admin = createRedis(server.url);
    await new Promise((resolve) => admin.once('ready', resolve));
    try {
      await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
      const anonymous = await timedProduct();
      expect(anonymous.body.data?.product).toMatchObject({ stock: 8, viewCount: null });
      expect(anonymous.ms).toBeLessThan(2_000);
      const signedIn = await timedProduct(token);
      expect(signedIn.response.status).toBe(503);
      expect(signedIn.ms).toBeLessThan(2_500);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      admin.disconnect();
    }
  });

  it('answers reads from the document store at once when Redis is stopped, and says so in the logs', async () => {
    await server.stop();
    const { response, body, ms } = await timedProduct();
    expect(body.data?.product).toMatchObject({ name: 'Kettle', stock: 8, viewCount: null });
    // Only the counter, which lives in Redis, is missing from the answer.
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['product', 'viewCount'], 'SERVICE_UNAVAILABLE'],
    ]);
    expect(ms).toBeLessThan(1_000);
    expect(response.headers.get('RateLimit-Limit')).toBe('30');
    const warnings = logs.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toContain('shared cache unavailable: reading from the document store');
    expect(warnings).toContain(
      'rate limiter "requests" unavailable: limiting per process until Redis answers',
    );
  });

  it('refuses a request with a token with SERVICE_UNAVAILABLE, never serving it as anonymous', async () => {
    const responses = [
      await t.fetch(MeDocument, {}, token),
      await t.fetch(ProductDocument, { id: productId }, token),
    ];
    for (const response of responses) {
      expect(response.status).toBe(503);
      expect(codes((await response.json()) as ExecutionResult<unknown>)).toEqual(['SERVICE_UNAVAILABLE']);
    }
  });

  it('fails login and register closed, and keeps no account from a refused register', async () => {
    const email = `${uniqueName('down')}@x.test`;
    const accounts = t.backends.documents.collection('accounts');
    const before = await accounts.count({});
    expect(codes(await t.run(RegisterDocument, { input: { email, password: PASSWORD } }))).toEqual([
      'SERVICE_UNAVAILABLE',
    ]);
    expect(await accounts.count({})).toBe(before);
    await t.services.accounts.create({ email, password: PASSWORD }, 'USER');
    expect(codes(await t.run(LoginDocument, { email, password: PASSWORD }))).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('keeps limiting requests, per process', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31 && !statuses.includes(429); i++)
      statuses.push((await timedProduct()).response.status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBeLessThanOrEqual(31);
  });

  it('heals when Redis returns: cache hits again, sign-in works, old sessions are gone with the data', async () => {
    await server.start();
    await vi.waitFor(() => t.backends.readiness.redis?.(), {
      timeout: 10_000,
      interval: 100,
    });
    await timedProduct();
    const before = t.services.cache.stats().hits;
    expect((await timedProduct()).body.data?.product?.stock).toBe(8);
    expect(t.services.cache.stats().hits).toBe(before + 1);
    expect(logs.map((l) => l.msg)).toContain('shared cache available again');

    // This Redis kept nothing (no persistence): the session made before the outage is gone.
    expect(codes(await t.run(MeDocument, {}, token))).toEqual(['UNAUTHENTICATED']);
    const email = `${uniqueName('back')}@x.test`;
    const signedIn = await t.run(RegisterDocument, { input: { email, password: PASSWORD } });
    expect(signedIn.errors).toBeUndefined();
    const me = await t.run(
      MeDocument,
      {},
      { authorization: `Bearer ${signedIn.data?.register.token ?? ''}` },
    );
    expect(me.data?.me?.email).toBe(email);
  });
});
