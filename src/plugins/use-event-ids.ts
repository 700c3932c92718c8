import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';

/** The cursor of the event each SSE request is delivering, noted by the subscription resolvers. */
const delivering = new WeakMap<Request, string>();

/** The SSE request of a context (duck-typed: Yoga's Request may be a ponyfill's, not the global). */
function requestOf(context: object): Request | null {
  if (!('request' in context)) return null;
  const request: unknown = context.request;
  if (typeof request !== 'object' || request === null || !('headers' in request)) return null;
  const { headers } = request;
  return headers instanceof Object && 'get' in headers && typeof headers.get === 'function'
    ? (request as Request)
    : null;
}

/**
 * Called by a subscription field's resolver with its event's cursor, so the event's SSE `id:`
 * is its cursor even when the operation does not select `cursor`.
 */
export function noteEventCursor(context: object, cursor: string): void {
  const request = requestOf(context);
  if (request !== null) delivering.set(request, cursor);
}

/**
 * The `Last-Event-ID` an SSE request carries (a browser EventSource sends the last `id:` it got
 * when it reconnects by itself): a cursor that acts as `after`. Null elsewhere.
 */
export function lastEventIdOf(context: object): string | null {
  const value = requestOf(context)?.headers.get('last-event-id') ?? null;
  return value === null || value === '' ? null : value;
}

/** The `cursor` of the result's one root field, when the operation selected it. */
function selectedCursor(result: ExecutionResult): string | null {
  const data: unknown = result.data;
  if (typeof data !== 'object' || data === null) return null;
  const [field] = Object.values(data);
  if (typeof field !== 'object' || field === null || !('cursor' in field)) return null;
  return typeof field.cursor === 'string' ? field.cursor : null;
}

/**
 * Gives every SSE event of a subscription (Yoga's distinct-connections path, which browsers'
 * EventSource use) an `id:` line holding its cursor. Yoga's SSE writer has no id field; it
 * writes each event as `event: next`, then `data: ` and the result's `stringify()`, then a
 * blank line: a `stringify` that appends `\nid: <cursor>` yields a well-formed event with its
 * id (JSON never holds a raw newline, a cursor is base64url). graphql-sse's single-connection
 * mode carries many operations on one stream, where one `Last-Event-ID` cannot name a place in
 * each: clients of that mode resume with `after`.
 */
export function useEventIds(): Plugin {
  return {
    onResultProcess({ request, result, setResult, acceptableMediaTypes }) {
      if (!isAsyncIterable(result) || !acceptableMediaTypes.includes('text/event-stream')) return;
      setResult(
        mapAsyncIterator(result, (event: ExecutionResult) => {
          const cursor = selectedCursor(event) ?? delivering.get(request) ?? null;
          delivering.delete(request);
          if (cursor === null || /[\r\n]/.test(cursor)) return event;
          return { ...event, stringify: (r: ExecutionResult) => `${JSON.stringify(r)}\nid: ${cursor}` };
        }),
      );
    },
  };
}
