import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { uniqueName } from '../helpers/names.js';
import { deployment, embedded, next, sseRequest, startInstance } from '../helpers/realtime.js';
import { keptClient, wsRun } from '../helpers/ws-operations.js';

export type ApqBackend = 'embedded' | 'mongodb';

interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A document no other test registered: its own operation name, so its own hash. */
function freshQuery(): { query: string; hash: string; name: string } {
  const name = uniqueName('Apq');
  const query = `query ${name} { __typename }`;
  return { query, hash: sha256(query), name };
}

const extensionsOf = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

async function postJson(server: RunningServer, body: unknown, accept = 'application/graphql-response+json') {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function getJson(server: RunningServer, params: Record<string, string>) {
  const url = new URL(server.url);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });
  return { status: response.status, body: (await response.json()) as Body };
}

async function sseRun(server: RunningServer, body: unknown) {
  const stream = await sseRequest<Record<string, unknown>>(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  try {
    const first = await next(stream);
    return first.done === true ? null : first.value;
  } finally {
    await stream.return?.();
  }
}

const codes = (body: { errors?: ReadonlyArray<{ extensions?: unknown }> | undefined }) =>
  (body.errors ?? []).map((e) => (e.extensions as { code?: unknown } | undefined)?.code);

/** Automatic persisted queries (contract: "How a client reaches it") on every transport. */
export function persistedQueriesSuite(backend: ApqBackend): void {
  describe(`automatic persisted queries (${backend})`, () => {
    const env = () => (backend === 'embedded' ? embedded() : deployment());
    let server: RunningServer;
    beforeAll(async () => {
      server = await startInstance(env());
    });
    afterAll(async () => {
      await server?.close();
    });

    it('over POST: unknown hash refused, hash + document registers, then the hash alone runs it', async () => {
      const { query, hash, name } = freshQuery();
      const unknown = await postJson(server, { extensions: extensionsOf(hash) });
      expect(unknown.status).toBe(404);
      expect(unknown.body.errors?.[0]?.message).toBe('PersistedQueryNotFound');
      expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

      const registered = await postJson(server, {
        query,
        operationName: name,
        extensions: extensionsOf(hash),
      });
      expect(registered).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
      const byHash = await postJson(server, { operationName: name, extensions: extensionsOf(hash) });
      expect(byHash).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    });

    it('refuses a document whose hash does not match, and registers nothing', async () => {
      const { query, hash } = freshQuery();
      const other = freshQuery();
      const forged = await postJson(server, { query: other.query, extensions: extensionsOf(hash) });
      expect(forged.status).toBe(400);
      expect(codes(forged.body)).toEqual(['BAD_USER_INPUT']);
      expect((await postJson(server, { extensions: extensionsOf(hash) })).status).toBe(404);
      expect((await postJson(server, { extensions: extensionsOf(other.hash) })).status).toBe(404);
      expect((await postJson(server, { query, extensions: extensionsOf(hash) })).status).toBe(200);
    });

    it('refuses a malformed extension and a document past APQ_MAX_DOCUMENT_BYTES', async () => {
      const bad = await postJson(server, { extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } });
      expect(bad.status).toBe(400);
      expect(codes(bad.body)).toEqual(['BAD_USER_INPUT']);
      const short = await postJson(server, { extensions: extensionsOf('abc') });
      expect(codes(short.body)).toEqual(['BAD_USER_INPUT']);
      const big = `query Big { ${'__typename '.repeat(2000)}}`;
      const tooBig = await postJson(server, { query: big, extensions: extensionsOf(sha256(big)) });
      expect(tooBig.status).toBe(400);
      expect(tooBig.body.errors?.[0]?.message).toMatch(/at most 20000 bytes/);
      expect((await postJson(server, { extensions: extensionsOf(sha256(big)) })).status).toBe(404);
    });

    it('over GET: the hash in the extensions parameter, and never a mutation', async () => {
      const { query, hash } = freshQuery();
      const extensions = JSON.stringify(extensionsOf(hash));
      expect((await getJson(server, { extensions })).status).toBe(404);
      expect((await getJson(server, { query, extensions })).body).toEqual({ data: { __typename: 'Query' } });
      expect(await getJson(server, { extensions })).toEqual({
        status: 200,
        body: { data: { __typename: 'Query' } },
      });

      const mutation = 'mutation { logout }';
      const mutationHash = sha256(mutation);
      await postJson(server, { query: mutation, extensions: extensionsOf(mutationHash) });
      const viaGet = await getJson(server, { extensions: JSON.stringify(extensionsOf(mutationHash)) });
      expect(viaGet.status).toBe(405);
    });

    it('over WebSocket: unknown hash refused, then registered and run by hash alone', async () => {
      const client = keptClient(server);
      try {
        const { query, hash } = freshQuery();
        const unknown = await wsRun(client, '', {}, extensionsOf(hash));
        expect(codes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
        const forged = await wsRun(client, freshQuery().query, {}, extensionsOf(hash));
        expect(codes(forged)).toEqual(['BAD_USER_INPUT']);
        expect(await wsRun(client, query, {}, extensionsOf(hash))).toEqual({ data: { __typename: 'Query' } });
        expect(await wsRun(client, '', {}, extensionsOf(hash))).toEqual({ data: { __typename: 'Query' } });
      } finally {
        await client.dispose();
      }
    });

    it('over SSE: unknown hash refused, then registered and run by hash alone', async () => {
      const { query, hash } = freshQuery();
      const unknown = await sseRun(server, { extensions: extensionsOf(hash) });
      expect(codes(unknown ?? {})).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(await sseRun(server, { query, extensions: extensionsOf(hash) })).toEqual({
        data: { __typename: 'Query' },
      });
      expect(await sseRun(server, { extensions: extensionsOf(hash) })).toEqual({
        data: { __typename: 'Query' },
      });
    });

    it("works with Apollo Client 4's PersistedQueryLink, GET for hashed queries included", async () => {
      const sent: Array<{ method: string; hasQuery: boolean }> = [];
      const counting: typeof fetch = async (input, init) => {
        const url = new URL(String(input));
        const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { query?: string }) : {};
        sent.push({
          method: init?.method ?? 'GET',
          hasQuery: url.searchParams.has('query') || typeof body.query === 'string',
        });
        return fetch(input, init);
      };
      const client = new ApolloClient({
        link: ApolloLink.from([
          new PersistedQueryLink({ sha256, useGETForHashedQueries: true }),
          new HttpLink({ uri: server.url, fetch: counting }),
        ]),
        cache: new InMemoryCache(),
      });
      const { query } = freshQuery();
      const document = parse(query);
      const first = await client.query({ query: document, fetchPolicy: 'network-only' });
      expect(first.data).toEqual({ __typename: 'Query' });
      const second = await client.query({ query: document, fetchPolicy: 'network-only' });
      expect(second.data).toEqual({ __typename: 'Query' });
      // Hash alone (not found), the document, then the hash alone again.
      expect(sent).toEqual([
        { method: 'GET', hasQuery: false },
        { method: 'POST', hasQuery: true },
        { method: 'GET', hasQuery: false },
      ]);
    });
  });
}
