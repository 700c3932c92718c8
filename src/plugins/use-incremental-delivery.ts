import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { type DocumentNode, GraphQLError, visit } from 'graphql';
import { type Plugin, processRegularResult } from 'graphql-yoga';
import { GRAPHQL_RESPONSE_JSON, refusalContentType } from './refusal.js';

/**
 * `@defer` and `@stream` (Yoga's plugin: the directives added to the schema, their validation
 * rules), served as incremental delivery: `multipart/mixed` to a client that accepts it, SSE to
 * one asking for `text/event-stream`, and successive `next` messages over WebSocket. graphql 16
 * has no incremental delivery of its own; Yoga's executor (@graphql-tools/executor) provides it.
 */
export function useIncrementalDelivery(): Plugin {
  return {
    ...(useDeferStream() as Plugin),
    // A client that accepts neither got Yoga's 406 with no body: the contract wants every
    // non-200 answer to be a GraphQL response with a code, so it says what to accept instead.
    onResultProcess({ request, result, resultProcessor, setResult, setResultProcessor }) {
      if (resultProcessor !== undefined || !(Symbol.asyncIterator in result)) return;
      void result[Symbol.asyncIterator]().return?.();
      setResult({
        errors: [
          new GraphQLError('@defer and @stream need Accept: multipart/mixed or text/event-stream', {
            extensions: { code: 'BAD_USER_INPUT', http: { status: 406 } },
          }),
        ],
      });
      const type = refusalContentType(request.headers.get('accept'));
      setResultProcessor(
        processRegularResult,
        type.startsWith(GRAPHQL_RESPONSE_JSON) ? GRAPHQL_RESPONSE_JSON : 'application/json',
      );
    },
  };
}

const incremental = new WeakMap<DocumentNode, boolean>();

/**
 * True when a document uses `@defer` or `@stream`: graphql-jit compiles neither (it would run them
 * as plain fields, in one response), so such operations stay on the incremental executor.
 * Remembered per parsed document, which Yoga caches per query string.
 */
export function usesIncrementalDelivery(document: DocumentNode): boolean {
  const known = incremental.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    Directive(node) {
      if (node.name.value === 'defer' || node.name.value === 'stream') found = true;
    },
  });
  incremental.set(document, found);
  return found;
}
