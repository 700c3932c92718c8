import { GraphQLError } from 'graphql';

/** What a refusal says: a message and a contract code, with the code's extra fields. */
export interface RefusalReason {
  message: string;
  code: string;
  details?: Record<string, string | number>;
}

/**
 * The body of every refusal made before execution (401, 411, 413, 429, 503): a GraphQL response
 * with one error and its contract code, as the contract asks of every non-200 answer.
 */
export function refusalBody(reason: RefusalReason) {
  return { errors: [{ message: reason.message, extensions: { code: reason.code, ...reason.details } }] };
}

/** A refusal as a whole response, for plugins that answer before the request is parsed. */
export function refusal(
  status: number,
  reason: RefusalReason,
  headers: Record<string, string> = {},
): Response {
  return Response.json(refusalBody(reason), { status, headers });
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
