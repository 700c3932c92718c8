/**
 * Real gateway instances for realtime tests: HTTP + WebSocket servers on free ports over the
 * run's Redis and FerretDB (or the embedded backends), graphql-ws clients and SSE readers.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, createClient, type FormattedExecutionResult } from 'graphql-ws';
import { afterEach, inject } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { SubmitScoreDocument } from '../generated/operations.js';
import { uniqueName } from './names.js';

export type Result<R> = FormattedExecutionResult<R, unknown>;

/** Settings shared by instances that form one deployment: same Redis prefix, same database. */
export function deployment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    NODE_ENV: 'test',
    SEED_DEMO_DATA: 'false',
    DATA_DIR: ':memory:',
    RATE_LIMIT_POINTS: '1000000',
    MONGODB_URL: inject('mongodbUrl'),
    MONGODB_DB: uniqueName('rt'),
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `${uniqueName('rt')}:`,
    ...extra,
  };
}

/** The embedded default: no MongoDB, no Redis. */
export function embedded(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    NODE_ENV: 'test',
    SEED_DEMO_DATA: 'false',
    DATA_DIR: ':memory:',
    RATE_LIMIT_POINTS: '1000000',
    ...extra,
  };
}

export async function startInstance(env: Record<string, string>): Promise<RunningServer> {
  return startServer(loadConfig(env), createLogger('silent'));
}

/** A signed-in account on this deployment: its `Authorization` value. */
export async function signIn(server: RunningServer, role: 'USER' | 'ADMIN' = 'USER'): Promise<string> {
  const account = await server.services.accounts.create(
    { email: `${uniqueName('u')}@example.test`, password: 'correct horse battery' },
    role,
  );
  const { token } = await server.services.accounts.openSession(account);
  return `Bearer ${token}`;
}

/** Runs an operation over HTTP on this instance. */
export async function post<R, V>(
  server: RunningServer,
  doc: TypedDocumentNode<R, V>,
  variables: V,
  authorization?: string,
): Promise<Result<R>> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ query: print(doc), variables }),
  });
  return (await response.json()) as Result<R>;
}

export function wsUrl(server: { port: number }): string {
  return `ws://127.0.0.1:${server.port}/graphql`;
}

/** A graphql-ws client that does not retry, so a refused or lost connection shows. */
export function wsClient(server: { port: number }, authorization?: string): Client {
  return createClient({
    url: wsUrl(server),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: authorization === undefined ? {} : { authorization },
  });
}

/** Subscribes over WebSocket; results arrive on the returned iterator. */
export function wsSubscribe<R, V>(
  client: Client,
  doc: TypedDocumentNode<R, V>,
  variables: V,
): AsyncIterableIterator<Result<R>> {
  return client.iterate<R>({ query: print(doc), variables: variables as Record<string, unknown> });
}

/** Resolves with the next result, or fails the test after `ms` instead of hanging. */
export async function next<T>(stream: AsyncIterator<T>, ms = 10_000): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([stream.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next result's data, failing on an error or the end of the stream. */
export async function nextData<R>(stream: AsyncIterator<Result<R>>, ms?: number): Promise<R> {
  const result = await next(stream, ms);
  if (result.done === true) throw new Error('the stream ended');
  if (result.value.errors !== undefined) throw new Error(JSON.stringify(result.value.errors));
  if (result.value.data === undefined || result.value.data === null) throw new Error('no data');
  return result.value.data;
}

/** Polls `probe` until it returns true, failing after `ms` (a condition, not a timing assertion). */
export async function eventually(
  probe: () => Promise<boolean> | boolean,
  ms = 15_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A subscription over Server-Sent Events (Yoga's GraphQL over SSE, distinct connections mode). */
export interface SseStream<R> extends AsyncIterableIterator<Result<R>> {
  /** The HTTP status of the response. */
  readonly status: number;
  /** The `id:` of the last event read, as an EventSource keeps it for Last-Event-ID. */
  lastEventId?: string;
}

export async function sseSubscribe<R, V>(
  server: RunningServer,
  doc: TypedDocumentNode<R, V>,
  variables: V,
  headers: Record<string, string> = {},
): Promise<SseStream<R>> {
  return sseRequest<R>(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query: print(doc), variables }),
  });
}

/**
 * Reads the GraphQL-over-SSE events of one request: `fetchFn` defaults to the global fetch (pass
 * an app's `fetch` to stay in-process).
 */
export async function sseRequest<R>(
  url: string,
  init: RequestInit,
  fetchFn: (url: string, init: RequestInit) => Promise<Response> | Response = fetch,
): Promise<SseStream<R>> {
  const abort = new AbortController();
  const response = await fetchFn(url, { ...init, signal: abort.signal });
  const body = response.body;
  if (body === null) throw new Error('no body');
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const stream: SseStream<R> = {
    status: response.status,
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: *(.*)$/m.exec(block)?.[1] ?? 'message';
          const id = /^id: ?(.*)$/m.exec(block)?.[1];
          if (id !== undefined) stream.lastEventId = id;
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (event === 'complete') return { value: undefined, done: true };
          if (event === 'next' && data !== '') return { value: JSON.parse(data) as Result<R>, done: false };
          continue; // keep-alive comments and the like
        }
        const chunk = await reader.read();
        if (chunk.done) return { value: undefined, done: true };
        buffer += chunk.value;
      }
    },
    async return() {
      abort.abort();
      await reader.cancel().catch(() => undefined);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return stream;
}

/**
 * Registers an `afterEach` that undoes, newest first, what the test deferred; returns `defer`.
 * Call once at the top of a test file.
 */
export function cleanupAfterEach(): (cleanup: () => Promise<unknown> | unknown) => void {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

/** Starts an instance that `defer` closes after the test. */
export async function deferredInstance(
  defer: (cleanup: () => Promise<unknown>) => void,
  env: Record<string, string>,
): Promise<RunningServer> {
  const server = await startInstance(env);
  defer(() => server.close());
  return server;
}

/**
 * Submits scores on `board` (player `player`, scores 1, 2, ...) every 100 ms until `until`
 * settles: a subscription's start cannot be observed from the client, so the first event
 * is what shows it is listening.
 */
export async function publishUntil<T>(
  server: RunningServer,
  authorization: string,
  board: string,
  until: Promise<T>,
  player = 'p',
): Promise<T> {
  let score = 0;
  const pump = setInterval(() => {
    score++;
    void post(server, SubmitScoreDocument, { board, player, score }, authorization);
  }, 100);
  return until.finally(() => clearInterval(pump));
}

/**
 * Adds a point to `player` on `board` until `arrived()` holds: a client's socket may be open a
 * moment before its subscription is, so a single score could come too early.
 */
export async function scoreUntil(
  server: RunningServer,
  board: string,
  player: string,
  arrived: () => boolean,
): Promise<void> {
  await eventually(
    async () => {
      if (arrived()) return true;
      await server.services.leaderboards.increment({ board, player, by: 1 });
      await new Promise((resolve) => setTimeout(resolve, 150));
      return arrived();
    },
    15_000,
    `an event of ${board}`,
  );
}
