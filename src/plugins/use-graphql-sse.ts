import { useGraphQLSSE } from '@graphql-yoga/plugin-graphql-sse';
import type { Plugin } from 'graphql-yoga';
import { isEndpointRequest } from './refusal.js';

/** The header (or query parameter) that names a reserved single-connection stream. */
const STREAM_TOKEN_HEADER = 'x-graphql-event-stream-token';

/**
 * A request of the graphql-sse protocol's single-connection mode: the PUT that reserves a stream,
 * the DELETE that stops an operation, and every request naming a reserved stream. Everything else
 * (distinct-connections mode included: a POST or GET asking for `text/event-stream`) is Yoga's.
 */
function isSingleConnectionRequest(request: Request, url: URL): boolean {
  return (
    request.method === 'PUT' ||
    request.method === 'DELETE' ||
    request.headers.has(STREAM_TOKEN_HEADER) ||
    url.searchParams.has('token')
  );
}

/**
 * graphql-sse's single-connection mode on the endpoint itself, by Yoga's graphql-sse plugin.
 * Yoga's plugin would serve it on a path of its own (`/graphql/stream`); routed here instead, its
 * requests pass the endpoint's rate limit, authentication and content-type rule like any other,
 * and a client needs one URL. Goes after those plugins.
 */
export function useGraphQLSSESingleConnection(options: { endpoint: string }): Plugin {
  const sse = useGraphQLSSE({ endpoint: options.endpoint });
  return {
    onYogaInit: sse.onYogaInit,
    onRequest(payload) {
      if (!isEndpointRequest(payload.request, payload.url, options.endpoint)) return;
      if (!isSingleConnectionRequest(payload.request, payload.url)) return;
      return sse.onRequest?.(payload);
    },
  };
}
