import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PersistedQueryStore } from '../datasources/ports/persisted-queries.js';

/** The documents clients ship, by SHA-256 hash: the only ones run when TRUSTED_DOCUMENTS is set. */
export interface TrustedDocuments {
  /** The document with this hash, or undefined. */
  byHash: ReadonlyMap<string, string>;
  /** Every document's exact text, to refuse any other before it is parsed. */
  texts: ReadonlySet<string>;
}

/** How requests name their documents: Apollo's persisted queries, or trusted documents only. */
export interface DocumentSources {
  /** Automatic persisted queries' documents (off when `trusted` is set: nothing new registers). */
  store: PersistedQueryStore;
  /** The largest document a client may register (APQ_MAX_DOCUMENT_BYTES). */
  maxBytes: number;
  /** With TRUSTED_DOCUMENTS: the manifest; every other document is refused. */
  trusted: TrustedDocuments | null;
}

export class TrustedDocumentsError extends Error {
  override readonly name = 'TrustedDocumentsError';
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The largest manifest read: far above the contract's ~30 operations, far below a memory risk. */
const MAX_MANIFEST_BYTES = 10_000_000;

/**
 * Reads a manifest in GraphQL Code Generator's persisted-documents format, `{ "<sha256>":
 * "<document>" }` (what `npm run codegen` writes to persisted-documents.json). Every hash is
 * checked against its document, so a hand-edited manifest cannot smuggle a document in under
 * another's hash; a bad manifest stops the start.
 */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TrustedDocumentsError(`TRUSTED_DOCUMENTS: cannot read ${path}`, { cause: error });
  }
  if (raw.length > MAX_MANIFEST_BYTES)
    throw new TrustedDocumentsError(`TRUSTED_DOCUMENTS: ${path} is over ${MAX_MANIFEST_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new TrustedDocumentsError(`TRUSTED_DOCUMENTS: ${path} is not JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new TrustedDocumentsError(
      `TRUSTED_DOCUMENTS: ${path} must be an object { "<sha256>": "<document>" }`,
    );
  const byHash = new Map<string, string>();
  for (const [hash, document] of Object.entries(parsed)) {
    if (typeof document !== 'string' || sha256Hex(document) !== hash)
      throw new TrustedDocumentsError(
        `TRUSTED_DOCUMENTS: the entry ${hash.slice(0, 80)} is not a document under its sha256`,
      );
    byHash.set(hash, document);
  }
  if (byHash.size === 0) throw new TrustedDocumentsError(`TRUSTED_DOCUMENTS: ${path} lists no document`);
  return { byHash, texts: new Set(byHash.values()) };
}
