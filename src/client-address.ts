function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
}

/** The `X-Forwarded-For` header of a Fetch request or of a node request (a WebSocket upgrade). */
function forwardedFor(context: unknown): string | undefined {
  // Yoga's Request may be @whatwg-node's, not the global class: duck-typed, not `instanceof`.
  const headers = field(field(context, 'request'), 'headers');
  const get = field(headers, 'get');
  const value =
    typeof get === 'function'
      ? Reflect.apply(get, headers, ['x-forwarded-for'])
      : field(field(field(context, 'req'), 'headers'), 'x-forwarded-for');
  return typeof value === 'string' ? value : undefined;
}

/**
 * The client's address, for limits of anonymous callers: with `trustProxy`, the last
 * `X-Forwarded-For` entry (the one the trusted proxy appended), else the socket's peer address;
 * `unknown` when there is neither (an in-process `app.fetch`). `context` is Yoga's server context
 * (`{ req }` of node's HTTP server) or a request context holding `request` and `req`.
 */
export function clientAddress(context: unknown, trustProxy: boolean): string {
  const forwarded = trustProxy ? forwardedFor(context)?.split(',').at(-1)?.trim() : undefined;
  const socketAddress = field(field(field(context, 'req'), 'socket'), 'remoteAddress');
  return forwarded || (typeof socketAddress === 'string' ? socketAddress : '') || 'unknown';
}
