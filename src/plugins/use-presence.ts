import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Keeps a signed-in subscriber online (presence) while its subscription stream is open, over
 * WebSocket and SSE alike: held when the stream starts, released when it ends for any reason
 * (the client left, the source was lost, the session ended).
 */
export function usePresence(): Plugin<Context> {
  return {
    onSubscribe() {
      return {
        onSubscribeResult({ args, result }) {
          const { caller, services } = args.contextValue;
          if (caller === null || !isAsyncIterable(result)) return;
          return { onEnd: services.presence.hold(caller.accountId) };
        },
      };
    },
  };
}
