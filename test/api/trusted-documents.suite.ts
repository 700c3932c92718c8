import { join } from 'node:path';
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { sha256Hex } from '../../src/services/trusted-documents.js';
import { MeDocument } from '../generated/operations.js';
import { deployment, embedded, next, signIn, sseRequest, startInstance } from '../helpers/realtime.js';
import { ROOT } from '../helpers/repository.js';
import { codesOf, keptClient, wsRun } from '../helpers/ws-operations.js';

export type TrustedBackend = 'embedded' | 'mongodb';

interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

const ME = print(MeDocument);
const byHash = (document: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256Hex(document) } });
/** Not a document of the manifest; and one that would not even parse. */
const OTHER = 'query Other { __typename }';
const GARBAGE = '{{{ not graphql';

/** TRUSTED_DOCUMENTS: only the manifest's documents run, on every transport; others are refused unparsed. */
export function trustedDocumentsSuite(backend: TrustedBackend): void {
  describe(`trusted documents (${backend})`, () => {
    let server: RunningServer;
    let authorization: string;
    beforeAll(async () => {
      const env = { TRUSTED_DOCUMENTS: join(ROOT, 'persisted-documents.json') };
      server = await startInstance(backend === 'embedded' ? embedded(env) : deployment(env));
      authorization = await signIn(server);
    });
    afterAll(async () => {
      await server?.close();
    });

    const post = async (body: unknown) => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          authorization,
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Body };
    };
    const codes = (body: Body) => (body.errors ?? []).map((e) => e.extensions?.code);
    const isMe = (body: Body) =>
      typeof (body.data?.me as { email?: unknown } | undefined)?.email === 'string';

    it('over POST and GET: runs a manifest document by hash alone, or sent whole', async () => {
      const hashed = await post({ extensions: byHash(ME) });
      expect(hashed.status).toBe(200);
      expect(isMe(hashed.body)).toBe(true);
      expect(isMe((await post({ query: ME })).body)).toBe(true);
      const url = new URL(server.url);
      url.searchParams.set('extensions', JSON.stringify(byHash(ME)));
      const viaGet = await fetch(url, {
        headers: { accept: 'application/graphql-response+json', authorization },
      });
      expect(isMe((await viaGet.json()) as Body)).toBe(true);
    });

    it('over POST: refuses any other document with 403 FORBIDDEN before parsing it', async () => {
      for (const query of [OTHER, GARBAGE]) {
        const refused = await post({ query });
        expect(refused.status).toBe(403);
        expect(codes(refused.body)).toEqual(['FORBIDDEN']);
      }
    });

    it('registers nothing by APQ: an unknown hash stays unknown, a new document is refused', async () => {
      const unknown = await post({ extensions: byHash(OTHER) });
      expect(codes(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      const registering = await post({ query: OTHER, extensions: byHash(OTHER) });
      expect(registering.status).toBe(403);
      expect(codes(registering.body)).toEqual(['FORBIDDEN']);
      expect(codes((await post({ extensions: byHash(OTHER) })).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    });

    it('over WebSocket: runs by hash, refuses any other document', async () => {
      const client = keptClient(server, authorization);
      try {
        const hashed = await wsRun(client, '', {}, byHash(ME));
        expect(isMe(hashed as Body)).toBe(true);
        expect(codesOf(await wsRun(client, OTHER))).toEqual(['FORBIDDEN']);
        expect(codesOf(await wsRun(client, GARBAGE))).toEqual(['FORBIDDEN']);
      } finally {
        await client.dispose();
      }
    });

    it('over SSE (distinct connections): runs by hash, refuses any other document', async () => {
      const run = async (body: unknown) => {
        const stream = await sseRequest<Record<string, unknown>>(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization },
          body: JSON.stringify(body),
        });
        try {
          const first = await next(stream);
          return { status: stream.status, body: (first.done === true ? {} : first.value) as Body };
        } finally {
          await stream.return?.();
        }
      };
      expect(isMe((await run({ extensions: byHash(ME) })).body)).toBe(true);
      const refused = await run({ query: OTHER });
      expect(codes(refused.body)).toEqual(['FORBIDDEN']);
    });

    it("over SSE (graphql-sse's single-connection mode): refuses any other document", async () => {
      const client = createSseClient({
        url: server.url,
        singleConnection: true,
        headers: { authorization },
        retryAttempts: 0,
      });
      try {
        const run = async (query: string) => {
          const results = client.iterate<Record<string, unknown>>({ query });
          try {
            const first = await next(results);
            return (first.done === true ? {} : first.value) as Body;
          } catch (error) {
            return { errors: Array.isArray(error) ? error : [{ message: String(error) }] } as Body;
          } finally {
            await results.return?.();
          }
        };
        expect(isMe(await run(ME))).toBe(true);
        // Refused, never run: this mode answers a refusal made before execution on the
        // operation's POST, 400 with the errors in its body (use-graphql-sse.ts); graphql-sse's
        // client reports the status only.
        const refused = await run(OTHER);
        expect(refused.data).toBeUndefined();
        expect(refused.errors?.[0]?.message).toMatch(/responded with 400/);
      } finally {
        client.dispose();
      }
    });
  });
}
