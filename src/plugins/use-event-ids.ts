import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, mapAsyncIterator, type Plugin } from 'graphql-yoga';

/**
 * The cursor of the event being executed, noted by the subscription resolvers on the event's
 * context (a fresh one per event and audience: use-shared-subscriptions.ts), then carried by the
 * result that execution made, which every SSE subscriber of the audience receives.
 */
const noted = new WeakMap<object, string>();
const carried = new WeakMap<ExecutionResult, string>();

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
  noted.set(context, cursor);
}

/** Makes `result` carry the cursor noted while it was executed with `context`. */
export function carryEventCursor(context: object, result: ExecutionResult): void {
  const cursor = noted.get(context);
  if (cursor !== undefined) carried.set(result, cursor);
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
    onResultProcess({ result, setResult, acceptableMediaTypes }) {
      if (!isAsyncIterable(result) || !acceptableMediaTypes.includes('text/event-stream')) return;
      setResult(
        mapAsyncIterator(
          result,
          (event: ExecutionResult & { stringify?: (r: ExecutionResult) => string }) => {
            const cursor = selectedCursor(event) ?? carried.get(event) ?? null;
            if (cursor === null || /[\r\n]/.test(cursor)) return event;
            // The shared JSON the fan-out engine made once for the audience, when it has one.
            const json = event.stringify ?? JSON.stringify;
            return { ...event, stringify: (r: ExecutionResult) => `${json(r)}\nid: ${cursor}` };
          },
        ),
      );
    },
  };
}
