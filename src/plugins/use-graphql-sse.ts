import { GraphQLError, getOperationAST } from 'graphql';
import type { OperationResult, Response as SseResponse } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/fetch';
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

/** A refused document as HTTP refuses it: 400 with its errors (graphql-sse's own parse refusal). */
function refused(errors: readonly GraphQLError[]): SseResponse {
  const body = {
    errors: errors.map(({ message, locations, extensions }) => {
      // The HTTP status Yoga reads from `extensions.http` is this answer's, not the client's.
      const { http: _status, ...rest } = extensions;
      return {
        message,
        ...(locations === undefined ? {} : { locations }),
        ...(Object.keys(rest).length === 0 ? {} : { extensions: rest }),
      };
    }),
  };
  return [
    JSON.stringify(body),
    {
      status: 400,
      statusText: 'Bad Request',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    },
  ];
}

type Handler = (request: Request) => Promise<Response>;

/**
 * graphql-sse's single-connection mode on the endpoint itself, through the same enveloped Yoga
 * (Yoga's graphql-sse plugin, which serves it on a path of its own, `/graphql/stream`, rewritten
 * here). Its requests pass the endpoint's rate limit, authentication and content-type rule like any
 * other, and a client needs one URL. Unlike Yoga's plugin, a document refused by a query limit
 * (GraphQL Armor refuses by throwing in parse) or by validation (introspection in production) is
 * answered 400 with its errors, as over HTTP: Yoga's plugin let the first reach the server as a
 * 500 carrying its stack, and graphql-sse took the second for arguments ("Unable to detect
 * operation AST"). Goes after the endpoint's other plugins.
 */
export function useGraphQLSSESingleConnection(options: { endpoint: string }): Plugin {
  const serverContexts = new WeakMap<Request, object>();
  let handler: Handler | null = null;
  return {
    onYogaInit({ yoga }) {
      handler = createHandler(
        {
          onSubscribe(req, params) {
            const enveloped = yoga.getEnveloped({ ...serverContexts.get(req.raw), request: req.raw, params });
            let document: ReturnType<typeof enveloped.parse>;
            try {
              document = enveloped.parse(params.query);
              const errors = enveloped.validate(enveloped.schema, document);
              if (errors.length > 0) return refused(errors);
            } catch (error) {
              if (error instanceof GraphQLError) return refused([error]);
              throw error;
            }
            const operation = getOperationAST(document, params.operationName);
            return Promise.resolve(enveloped.contextFactory()).then((contextValue) => {
              const args = {
                schema: enveloped.schema,
                document,
                contextValue,
                variableValues: params.variables,
                operationName: params.operationName,
              };
              const run = operation?.operation === 'subscription' ? enveloped.subscribe : enveloped.execute;
              // Yoga's executors return graphql-js results: the same shapes graphql-sse streams.
              return run(args) as OperationResult;
            });
          },
        },
        yoga.fetchAPI,
      );
    },
    onRequest({ request, url, serverContext, endResponse }) {
      if (!isEndpointRequest(request, url, options.endpoint)) return;
      if (!isSingleConnectionRequest(request, url) || handler === null) return;
      serverContexts.set(request, serverContext);
      return handler(request).then(endResponse);
    },
  };
}
