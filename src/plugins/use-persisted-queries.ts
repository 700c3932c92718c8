import type { Plugin } from 'graphql-yoga';
import { type PersistedQueries, persistedDocument } from './persisted-queries.js';

/** A hash the store does not know: 404, as Yoga's APQ plugin answers (Apollo's link reads the body). */
const NOT_FOUND_STATUS = 404;

/**
 * Automatic persisted queries on every request Yoga parses: POST, GET (the extensions as a JSON
 * query parameter) and SSE (a POST or GET asking for `text/event-stream`). WebSocket operations
 * call `persistedDocument` themselves (websocket.ts).
 */
export function usePersistedQueries(persisted: PersistedQueries): Plugin {
  return {
    async onParams({ params, setParams }) {
      const query = await persistedDocument(persisted, params, NOT_FOUND_STATUS);
      if (query !== undefined && query !== params.query) setParams({ ...params, query });
    },
  };
}
