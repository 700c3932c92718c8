import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, GraphQLError, getOperationAST } from 'graphql';
import { CloseCode, type OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { App } from './app.js';
import { clientAddress } from './client-address.js';
import { AppError, UnauthenticatedError } from './errors.js';
import type { Logger } from './logger.js';
import { admit, authenticate, callerKey } from './plugins/admission.js';
import type { CallerSlots } from './plugins/caller-slots.js';
import { persistedDocument } from './plugins/persisted-queries.js';
import { operationRefusal } from './plugins/refusal.js';
import { MAX_BODY_BYTES } from './plugins/use-hardening.js';
import { deliverToSocket, type SocketDelivery } from './plugins/use-shared-subscriptions.js';
import type { Services } from './services/index.js';
import { OperationLog } from './websocket-log.js';

/** What a connection keeps between its messages (set once it is accepted). */
interface ConnectionState extends Record<PropertyKey, unknown> {
  /** The credential it was opened with, checked again for each operation. */
  authorization: string | null;
  address: string;
  /** Gives back its caller's connection slot. */
  release: () => void;
  log: OperationLog;
}

/** Yoga's enveloped executors, passed to graphql-ws as the operation's root value (Yoga's recipe). */
interface EnvelopedRoot {
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}

function isEnvelopedRoot(value: unknown): value is EnvelopedRoot {
  return typeof value === 'object' && value !== null && 'execute' in value && 'subscribe' in value;
}

function envelopedRoot(args: ExecutionArgs): EnvelopedRoot {
  if (!isEnvelopedRoot(args.rootValue)) throw new Error('operation without its enveloped executor');
  return args.rootValue;
}

/** How long a new connection has to send `connection_init`. */
export const CONNECTION_INIT_TIMEOUT_MS = 3000;

/** True for no Origin (not a browser), this server's own origin, or one of `allowed`. */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined || origin === '') return true;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The credential of a connection payload: exactly `{ authorization: "<string>" }`, or no such key
 * (anonymous). Any other shape (a number, an object, `Authorization`) is refused, never anonymous.
 */
export function credentialOf(params: Readonly<Record<string, unknown>> | undefined): string | null {
  if (params === undefined || params === null) return null;
  const keys = Object.keys(params).filter((key) => key.toLowerCase() === 'authorization');
  if (keys.length === 0) return null;
  const value = params.authorization;
  if (keys.length > 1 || keys[0] !== 'authorization' || typeof value !== 'string')
    throw new UnauthenticatedError('the connection payload must be { "authorization": "Bearer <token>" }');
  return value;
}

/** graphql-ws' close code for "too many", used for a caller past MAX_CONNECTIONS_PER_CALLER. */
export const TOO_MANY_CONNECTIONS = CloseCode.TooManyInitialisationRequests;

/** The close code of a subscriber dropped for not reading (over WS_MAX_BUFFERED_BYTES unread). */
export const TOO_SLOW = 4413;

/** How long a dropped subscriber's close handshake may take before its socket is destroyed. */
const DROP_GRACE_MS = 1000;

/**
 * Writes a subscription's shared frames straight to its socket: no await, no copy of the payload.
 * A socket with more than `maxBuffered` bytes unread is dropped (TOO_SLOW), then destroyed if it
 * does not finish closing: one stuck reader never holds the others or grows the heap.
 */
export function socketDelivery(
  socket: Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'send' | 'close' | 'terminate'>,
  id: string,
  maxBuffered: number,
): SocketDelivery {
  return {
    id,
    write(frame) {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (socket.bufferedAmount > maxBuffered) {
        socket.close(TOO_SLOW, 'Too slow: messages not read');
        setTimeout(() => socket.terminate(), DROP_GRACE_MS).unref();
        return;
      }
      socket.send(frame, { binary: false });
    },
  };
}

export interface WebSocketOptions {
  /** Origins allowed besides the server's own (CORS_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** Count anonymous callers by the last `X-Forwarded-For` entry of the upgrade request. */
  trustProxy?: boolean;
  /** Operations open at once on one connection (WS_MAX_SUBSCRIPTIONS). */
  maxSubscriptions: number;
  /** Connections per caller, shared with the app's SSE streams (MAX_CONNECTIONS_PER_CALLER). */
  connectionSlots: CallerSlots;
  /** Unread bytes past which a subscriber is dropped (WS_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: number;
  /** How long close() lets connections close before destroying them (SHUTDOWN_DRAIN_MS). */
  drainMs: number;
}

export interface WebSocketEndpoint {
  /** Open connections. */
  readonly connections: number;
  /**
   * Closes every connection (1001 Going Away) and stops accepting new ones; sockets still open
   * after the drain time (clients that stopped reading) are destroyed.
   */
  close(): Promise<void>;
}

/**
 * GraphQL over WebSocket (`graphql-transport-ws`) on `/graphql` of the HTTP server, through the
 * same Yoga app (Yoga's documented graphql-ws integration), so plugins, masking and limits apply.
 * The caller comes from the connection payload's `authorization`; an unknown, expired or
 * malformed token closes the connection with 4401 Unauthorized before it is acknowledged. Every
 * operation is then admitted as an HTTP request is (`admit`: its session checked again, a point
 * of its caller's budget spent), and each ends with a request log line.
 */
export function attachWebSocket(
  server: Server,
  app: App,
  services: Services,
  logger: Logger,
  options: WebSocketOptions,
): WebSocketEndpoint {
  const allowedOrigins = options.allowedOrigins ?? [];
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: MAX_BODY_BYTES,
    // A browser always sends Origin: only this server's own origin and CORS_ORIGINS may open a
    // socket (no cross-site WebSocket hijacking). Clients that are not browsers send none.
    verifyClient: ({ origin, req }: { origin?: string; req: IncomingMessage }) =>
      originAllowed(origin, req.headers.host, allowedOrigins),
  });
  const endpoint = useServer<Record<string, unknown> | undefined, ConnectionState>(
    {
      // A connection that has not sent connection_init by then is closed (4408).
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      execute: (args) => envelopedRoot(args).execute(args),
      subscribe: (args) => envelopedRoot(args).subscribe(args),
      onConnect: async (ctx) => {
        try {
          const authorization = credentialOf(ctx.connectionParams);
          const { caller, refused } = await authenticate(services, authorization);
          if (refused !== null) throw refused;
          // Gone while it was authenticated: onClose has run already, so take no slot it would keep.
          if (ctx.extra.socket.readyState !== WebSocket.OPEN) return false;
          const { request } = ctx.extra;
          const address = clientAddress({ req: request }, options.trustProxy ?? false);
          const release = options.connectionSlots.take(callerKey(caller, address));
          if (release === null) {
            ctx.extra.socket.close(TOO_MANY_CONNECTIONS, 'Too many connections');
            return false;
          }
          Object.assign(ctx.extra, { authorization, address, release, log: new OperationLog(logger) });
          // The upgrade request (its headers, raw headers and stream state) is not read again:
          // graphql-ws would keep it for the connection's life, ~0.7 KiB of every idle subscriber.
          Reflect.deleteProperty(ctx.extra, 'request');
          return true;
        } catch (error) {
          if (error instanceof UnauthenticatedError)
            ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
          else if (error instanceof AppError) ctx.extra.socket.close(1013, 'Try again later');
          else throw error;
          return false;
        }
      },
      onClose: (ctx) => ctx.extra.release?.(),
      onSubscribe: async (ctx, id, params) => {
        ctx.extra.log?.started(id, params.operationName);
        // Every operation is admitted as an HTTP request is: its session checked, a point spent.
        const admission = await admit(
          services,
          await authenticate(services, ctx.extra.authorization ?? null),
          ctx.extra.address ?? 'unknown',
        );
        if (admission.refusal !== null) return [operationRefusal(admission.refusal)];
        // graphql-ws lists this operation among the open ones already.
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptions) {
          return [
            operationRefusal({
              message: `too many operations open on this connection: at most ${options.maxSubscriptions}`,
              code: 'RATE_LIMITED',
              details: { retryAfter: 1, limit: options.maxSubscriptions },
            }),
          ];
        }
        // Only what the context reads (app.ts: the client address), not graphql-ws' connection
        // state or the upgrade request: whatever is put here stays with the subscription.
        const enveloped = app.getEnveloped({
          req: { socket: { remoteAddress: ctx.extra.address ?? 'unknown' } },
          params,
        });
        let document: ReturnType<typeof enveloped.parse>;
        let errors: readonly GraphQLError[];
        try {
          // A document named by its hash (persisted or trusted), with no HTTP status here.
          const query = (await persistedDocument(services.documents, params, null)) ?? params.query;
          document = enveloped.parse(query);
          ctx.extra.log?.named(id, getOperationAST(document, params.operationName)?.name?.value);
          errors = enveloped.validate(enveloped.schema, document);
        } catch (error) {
          // A query limit (GraphQL Armor) refuses by throwing: an error for this operation alone.
          if (error instanceof GraphQLError) return [error];
          // The persisted queries' store down (SERVICE_UNAVAILABLE).
          if (error instanceof AppError) return [operationRefusal(error)];
          return [new GraphQLError('could not parse the operation')];
        }
        if (errors.length > 0) return [...errors];
        // The factory's fresh object, completed in place: a copy would be kept beside it.
        const contextValue = Object.assign(await enveloped.contextFactory(), {
          caller: admission.caller,
          rateLimit: admission.decision,
        });
        deliverToSocket(contextValue, socketDelivery(ctx.extra.socket, id, options.maxBufferedBytes));
        const root: EnvelopedRoot = { execute: enveloped.execute, subscribe: enveloped.subscribe };
        return {
          schema: enveloped.schema,
          document,
          operationName: params.operationName ?? null,
          variableValues: params.variables ?? null,
          contextValue,
          rootValue: root,
        };
      },
      onNext: (ctx, id, _payload, _args, result) => ctx.extra.log?.errors(id, result.errors),
      onError: (ctx, id, _payload, errors) => {
        ctx.extra.log?.errors(id, errors);
        ctx.extra.log?.ended(id);
      },
      onComplete: (ctx, id) => ctx.extra.log?.ended(id),
    },
    wss,
  );
  wss.on('error', (err) => logger.error({ err }, 'WebSocket server error'));
  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      // dispose() closes each socket and resolves once all are closed: a client that stopped
      // reading never answers the close, so its socket is destroyed after the drain time.
      const cut = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, options.drainMs);
      try {
        await endpoint.dispose();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
