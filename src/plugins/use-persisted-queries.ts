import type { Plugin } from 'graphql-yoga';
import type { DocumentSources } from '../services/trusted-documents.js';
import { persistedDocument, untrustedDocument } from './persisted-queries.js';

/** A hash the store does not know: 404, as Yoga's APQ plugin answers (Apollo's link reads the body). */
const NOT_FOUND_STATUS = 404;

/**
 * Documents named by hash on every request Yoga parses: POST, GET (the extensions as a JSON query
 * parameter) and SSE (a POST or GET asking for `text/event-stream`); WebSocket operations call
 * `persistedDocument` themselves (websocket.ts). With trusted documents, every parse (HTTP,
 * WebSocket and graphql-sse's single-connection mode alike go through envelop's `parse`) first
 * checks that the text is one of the manifest's: any other is refused before it is parsed.
 */
export function usePersistedQueries(sources: DocumentSources): Plugin {
  const trusted = sources.trusted;
  return {
    async onParams({ params, setParams }) {
      const query = await persistedDocument(sources, params, NOT_FOUND_STATUS);
      if (query !== undefined && query !== params.query) setParams({ ...params, query });
    },
    ...(trusted === null
      ? {}
      : {
          onParse({ params, context }) {
            const source = typeof params.source === 'string' ? params.source : params.source.body;
            if (trusted.texts.has(source)) return;
            // An HTTP request has its status; an operation over WebSocket or SSE has none.
            throw untrustedDocument('request' in context ? 403 : null);
          },
        }),
  };
}
