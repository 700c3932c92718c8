import {
  createSourceEventStream,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { AppError } from '../errors.js';
import { createLoaders } from '../loaders.js';
import { requestCredential } from './credential.js';

type Events = AsyncIterator<unknown> & { return?: () => Promise<IteratorResult<unknown>> };

function isEvents(value: unknown): value is Events {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isRequest(value: unknown): value is Request {
  return (
    isRecord(value) &&
    typeof value.url === 'string' &&
    typeof value.method === 'string' &&
    isRecord(value.headers) &&
    typeof value.headers.get === 'function'
  );
}

/**
 * The credential a subscription was opened with: that of an SSE request (its `Authorization`
 * header or an EventSource's `access_token`), or the `authorization` of a WebSocket connection's
 * payload.
 */
export function authorizationOf(context: object): string | null {
  if ('request' in context && isRequest(context.request)) {
    const credential = requestCredential(context.request);
    if ('authorization' in credential && credential.authorization !== null) return credential.authorization;
  }
  if ('connectionParams' in context && isRecord(context.connectionParams)) {
    const value = context.connectionParams.authorization;
    if (typeof value === 'string') return value;
  }
  return null;
}

/** Subscription streams of one instance (keyed by its services): being set up, and open. */
export interface SubscriptionCounts {
  settingUp: number;
  open: number;
}

const counts = new WeakMap<object, SubscriptionCounts>();

/** This instance's subscription streams, for leak checks and metrics. */
export function subscriptionCounts(services: object): SubscriptionCounts {
  const found = counts.get(services) ?? { settingUp: 0, open: 0 };
  counts.set(services, found);
  return found;
}

/**
 * A fresh context for one event: new loaders (nothing cached from an earlier event) and the
 * caller authenticated again, so a session that ended meanwhile ends the stream (Pothos #1421:
 * by default every event of a subscription shares the context it started with).
 */
async function eventContext(start: Context, authorization: string | null): Promise<Context> {
  const caller = start.caller === null ? null : await start.services.accounts.authenticate(authorization);
  return { ...start, loaders: createLoaders(start.services), caller };
}

/**
 * Runs each subscription as graphql-js' own `subscribe` does (the source stream, then one
 * execution per event), but executes every event with a context of its own. `return()` reaches
 * the source at once, so a client that leaves frees its listener immediately.
 */
export function useFreshEventContext(): Plugin<Context> {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const start = args.contextValue as Context;
        const tally = subscriptionCounts(start.services);
        tally.settingUp++;
        let source: Awaited<ReturnType<typeof createSourceEventStream>>;
        try {
          source = await createSourceEventStream(args);
        } finally {
          tally.settingUp--;
        }
        if (!isEvents(source)) return source;
        tally.open++;
        const authorization = authorizationOf(start);
        let ended = false;
        const end = async (): Promise<IteratorResult<ExecutionResult>> => {
          if (!ended) {
            ended = true;
            tally.open--;
            await source.return?.();
          }
          return { value: undefined, done: true };
        };
        const stream: AsyncIterableIterator<ExecutionResult> = {
          async next() {
            if (ended) return { value: undefined, done: true };
            try {
              const event = await source.next();
              if (event.done === true) return end();
              const contextValue = await eventContext(start, authorization);
              return { value: await execute({ ...args, rootValue: event.value, contextValue }), done: false };
            } catch (error) {
              await end();
              if (!(error instanceof AppError)) throw error;
              // The source was lost or the access check failed: say so once (with its code), then end.
              return {
                value: { errors: [new GraphQLError(error.message, { originalError: error })] },
                done: false,
              };
            }
          },
          return: end,
          async throw(error: unknown) {
            await end();
            throw error;
          },
          [Symbol.asyncIterator]() {
            return this;
          },
        };
        return stream;
      });
    },
  };
}
