import { GraphQLError } from 'graphql';

/** What a refusal says: a message and a contract code, with the code's extra fields. */
export interface RefusalReason {
  message: string;
  code: string;
  details?: Record<string, string | number>;
}

/** The GraphQL-over-HTTP media type, answered to a client that lists it in its `Accept`. */
export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/**
 * The content type of a refusal for this `Accept` header: `application/graphql-response+json` when
 * the client lists it (with a non-zero q), else `application/json`, which every client reads
 * (the spec's legacy watershed). Written out rather than negotiated by a library: there are only
 * two answers, and either is better than a 406 for a client that is being refused anyway.
 */
export function refusalContentType(accept: string | null | undefined): string {
  const listed = (accept ?? '').split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === GRAPHQL_RESPONSE_JSON && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
  return `${listed ? GRAPHQL_RESPONSE_JSON : 'application/json'}; charset=utf-8`;
}

/**
 * The body of every refusal made before execution (401, 411, 413, 415, 429, 503): a GraphQL
 * response with one error and its contract code, as the contract asks of every non-200 answer.
 */
export function refusalBody(reason: RefusalReason) {
  return { errors: [{ message: reason.message, extensions: { code: reason.code, ...reason.details } }] };
}

/**
 * A refusal as a whole response, for plugins that answer before the request is parsed, in the
 * media type the request accepts (so Apollo Client's error link reads its code).
 */
export function refusal(
  request: Request,
  status: number,
  reason: RefusalReason,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(refusalBody(reason)), {
    status,
    headers: { ...headers, 'content-type': refusalContentType(request.headers.get('accept')) },
  });
}

/** Yoga serves its endpoint with and without a trailing slash; preflights are CORS' business. */
export function isEndpointRequest(request: Request, url: URL, endpoint: string): boolean {
  return isEndpointPath(url, endpoint) && request.method !== 'OPTIONS';
}

/** A refusal as the error of one operation (over WebSocket, or a stream refused after parsing). */
export function operationRefusal(reason: RefusalReason): GraphQLError {
  return new GraphQLError(reason.message, { extensions: { code: reason.code, ...reason.details } });
}

/**
 * True for exactly the endpoint's paths. Yoga's own matching is looser (any URL that ends in it:
 * `//graphql`, `/a/graphql`, `/?x=/graphql`), and those paths would skip every check keyed on the
 * path.
 */
export function isEndpointPath(url: URL, endpoint: string): boolean {
  return url.pathname === endpoint || url.pathname === `${endpoint}/`;
}
