import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { uniqueName } from '../helpers/names.js';
import { type RedisServer, startRedis } from '../helpers/servers.js';

describe('health, readiness, metrics and logs of a running instance', () => {
  let redis: RedisServer;
  let server: RunningServer;
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });

  beforeAll(async () => {
    redis = await startRedis();
    const config = loadConfig({
      PORT: '0',
      MONGODB_URL: inject('mongodbUrl'),
      MONGODB_DB: uniqueName('ops'),
      REDIS_URL: redis.url,
      REDIS_PREFIX: `${uniqueName('ops')}:`,
      NODE_ENV: 'test',
    });
    server = await startServer(config, createLogger('info', sink));
  });
  afterAll(async () => {
    await server.close();
    await redis.stop();
  });

  const origin = () => server.url.replace('/graphql', '');

  it('answers /health while the process is up', async () => {
    const response = await fetch(`${origin()}/health`);
    expect(response.status).toBe(200);
  });

  it('logs each request as JSON with an id, the operation and its duration, never its variables', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-123' },
      body: JSON.stringify({
        query: 'query Probe($secret: String) { __typename }',
        operationName: 'Probe',
        variables: { secret: 'hunter2-password' },
      }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-123');
    const line = lines.find((l) => l.reqId === 'req-123');
    expect(line).toMatchObject({ msg: 'request', operation: 'Probe', status: 200, path: '/graphql' });
    expect(typeof line?.durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('reports requests by operation, errors by code and cache figures in Prometheus text', async () => {
    await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Broken { nope }' }),
    });
    const text = await (await fetch(`${origin()}/metrics`)).text();
    // `Probe` is no operation of the contract: it is counted as `other` (known-operations.ts).
    expect(text).toMatch(/graphql_yoga_http_duration_bucket\{[^}]*operationName="other"/);
    expect(text).not.toContain('Probe');
    expect(text).toMatch(/docgate_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} [1-9]/);
    expect(text).toMatch(/^docgate_cache_hits \d+/m);
    expect(text).toMatch(/^docgate_open_subscriptions 0$/m);
    expect(text).toMatch(/^docgate_queue_depth \d+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
  });

  it('counts open subscriptions', async () => {
    const metric = async () =>
      Number(
        /^docgate_open_subscriptions (\d+)$/m.exec(await (await fetch(`${origin()}/metrics`)).text())?.[1],
      );
    const abort = new AbortController();
    const stream = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { leaderboardUpdated(board: "metrics") { player } }' }),
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    await expect.poll(metric, { timeout: 5000 }).toBe(1);
    abort.abort();
    await expect.poll(metric, { timeout: 5000 }).toBe(0);
  });

  it('is ready while every backend answers, and names the one that does not', async () => {
    const ready = await fetch(`${origin()}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, backends: { documents: true, redis: true } });
    await redis.stop();
    const down = await fetch(`${origin()}/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ready: false, backends: { documents: true, redis: false } });
    await redis.start();
    await expect.poll(async () => (await fetch(`${origin()}/ready`)).status, { timeout: 10_000 }).toBe(200);
  });
});
