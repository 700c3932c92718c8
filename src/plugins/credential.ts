/** The query parameter that carries a token where a client cannot set headers (RFC 6750 §2.3). */
export const ACCESS_TOKEN_PARAM = 'access_token';

/** Where a request's credential is: its `Authorization` value (or none), or why it is refused. */
export type RequestCredential = { authorization: string | null } | { misplaced: string };

/**
 * True for a browser `EventSource`'s request: a GET that accepts `text/event-stream`. An
 * EventSource cannot set headers, so only there may the token travel in the URL.
 */
function isEventStreamGet(request: Request): boolean {
  return request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/event-stream');
}

/**
 * The credential of an HTTP request: its `Authorization` header, or, on a GET that asks for
 * `text/event-stream` only, `?access_token=<token>` (taken as `Bearer <token>`). The parameter
 * anywhere else, or beside a header, is refused rather than ignored, so a token never silently
 * stops counting; the request log records paths without their query, so it never holds one.
 */
export function requestCredential(request: Request): RequestCredential {
  const header = request.headers.get('authorization');
  const params = new URL(request.url).searchParams;
  if (!params.has(ACCESS_TOKEN_PARAM)) return { authorization: header };
  if (!isEventStreamGet(request))
    return { misplaced: `${ACCESS_TOKEN_PARAM} is accepted only on a GET asking for text/event-stream` };
  if (header !== null || params.getAll(ACCESS_TOKEN_PARAM).length > 1)
    return { misplaced: `send one credential: the Authorization header or one ${ACCESS_TOKEN_PARAM}` };
  return { authorization: `Bearer ${params.get(ACCESS_TOKEN_PARAM) ?? ''}` };
}
