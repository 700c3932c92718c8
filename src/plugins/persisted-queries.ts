import { GraphQLError } from 'graphql';
import { type DocumentSources, sha256Hex } from '../services/trusted-documents.js';

/** What a request of any transport carries: its document and its extensions. */
export interface PersistedParams {
  query?: unknown;
  extensions?: unknown;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An error of the request itself. Over HTTP it carries its status (Yoga reads and strips
 * `extensions.http`); over WebSocket and SSE, where there is none, `http` is left out.
 */
function requestError(message: string, code: string, status: number | null): GraphQLError {
  return new GraphQLError(message, {
    extensions: status === null ? { code } : { code, http: { status } },
  });
}

/** The refusal of a document outside the trusted documents (403 over HTTP). */
export function untrustedDocument(status: number | null): GraphQLError {
  return requestError(
    'only trusted documents run here: send a document of the manifest, or its hash',
    'FORBIDDEN',
    status === null ? null : 403,
  );
}

/**
 * Apollo's automatic persisted queries (`extensions.persistedQuery: { version: 1, sha256Hash }`),
 * for every transport: returns the document to run, or undefined when the request names none.
 * A hash with its document registers it (the hash checked against it, its size bounded); a hash
 * alone (no query, or `""` where a protocol requires a string: graphql-ws, graphql-sse) runs the
 * document registered under it, else fails with `PERSISTED_QUERY_NOT_FOUND` and the message
 * `PersistedQueryNotFound` that Apollo's link reads, upon which it sends the document.
 * With trusted documents, the manifest stands in for the store and nothing registers: a hash
 * runs its document of the manifest, and a document outside it is refused (FORBIDDEN).
 * Hand-written rather than @graphql-yoga/plugin-apq: that plugin needs @graphql-tools/utils 10
 * (the tree has 11) and works only through Yoga's `onParams`, which WebSocket operations skip.
 */
export async function persistedDocument(
  sources: DocumentSources,
  params: PersistedParams,
  status: number | null,
): Promise<string | undefined> {
  if (!isRecord(params.extensions) || params.extensions.persistedQuery === undefined) return undefined;
  const bad = status === null ? null : 400;
  const named = params.extensions.persistedQuery;
  if (!isRecord(named) || named.version !== 1 || typeof named.sha256Hash !== 'string')
    throw requestError(
      'extensions.persistedQuery must be { version: 1, sha256Hash: "<64 hex digits>" }',
      'BAD_USER_INPUT',
      bad,
    );
  const hash = named.sha256Hash.toLowerCase();
  if (!SHA256_HEX.test(hash))
    throw requestError('persistedQuery.sha256Hash must be 64 hex digits', 'BAD_USER_INPUT', bad);
  if (typeof params.query === 'string' && params.query !== '') {
    if (Buffer.byteLength(params.query) > sources.maxBytes)
      throw requestError(`a persisted query is at most ${sources.maxBytes} bytes`, 'BAD_USER_INPUT', bad);
    if (sha256Hex(params.query) !== hash)
      throw requestError('provided sha does not match query', 'BAD_USER_INPUT', bad);
    if (sources.trusted !== null) {
      if (!sources.trusted.byHash.has(hash)) throw untrustedDocument(status);
      return params.query;
    }
    await sources.store.set(hash, params.query);
    return params.query;
  }
  const document =
    sources.trusted !== null ? (sources.trusted.byHash.get(hash) ?? null) : await sources.store.get(hash);
  if (document === null) throw requestError('PersistedQueryNotFound', 'PERSISTED_QUERY_NOT_FOUND', status);
  return document;
}
