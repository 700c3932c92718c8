import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { CallerSlots } from './caller-slots.js';
import { operationRefusal } from './refusal.js';
import { rateLimitKeyOf } from './use-rate-limit.js';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The HTTP request of an SSE operation (Yoga's own Request class, not necessarily the global one). */
function requestOf(context: object): object | null {
  return 'request' in context && typeof context.request === 'object' ? context.request : null;
}

/**
 * Counts each SSE subscription stream against its caller's slots (shared with WebSocket
 * connections): past the limit the stream answers one RATE_LIMITED error and ends. A WebSocket
 * operation has no HTTP request of its own: its connection holds the slot.
 */
export function useStreamLimit(slots: CallerSlots): Plugin<Context> {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      const request = requestOf(args.contextValue);
      const key = request === null ? undefined : rateLimitKeyOf(request);
      if (key === undefined) return;
      const release = slots.take(key);
      if (release === null) {
        setResultAndStopExecution({
          errors: [
            operationRefusal({
              message: `too many open streams: at most ${slots.max} per caller`,
              code: 'RATE_LIMITED',
              details: { retryAfter: 1, limit: slots.max },
            }),
          ],
        });
        return;
      }
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return release();
          return { onEnd: release };
        },
        onSubscribeError: release,
      };
    },
  };
}
