import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import { CloseCode, type OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from './app.js';
import type { Caller } from './context.js';
import { AppError, UnauthenticatedError } from './errors.js';
import type { Logger } from './logger.js';
import { MAX_BODY_BYTES } from './plugins/use-hardening.js';
import type { Services } from './services/index.js';

/** What a connection keeps between its messages. */
interface ConnectionState extends Record<PropertyKey, unknown> {
  caller: Caller | null;
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

export interface WebSocketEndpoint {
  /** Open connections. */
  readonly connections: number;
  /** Closes every connection (1001 Going Away) and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * GraphQL over WebSocket (`graphql-transport-ws`) on `/graphql` of the HTTP server, through the
 * same Yoga app (Yoga's documented graphql-ws integration), so plugins, masking and limits apply.
 * The caller comes from the connection payload's `authorization`; an unknown, expired or
 * malformed token closes the connection with 4401 Unauthorized before it is acknowledged.
 */
export function attachWebSocket(
  server: Server,
  app: App,
  services: Services,
  logger: Logger,
  allowedOrigins: readonly string[] = [],
): WebSocketEndpoint {
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
        const authorization = ctx.connectionParams?.authorization;
        try {
          const caller = await services.accounts.authenticate(
            typeof authorization === 'string' ? authorization : null,
          );
          ctx.extra.caller = caller;
          return true;
        } catch (error) {
          if (error instanceof UnauthenticatedError)
            ctx.extra.socket.close(CloseCode.Unauthorized, 'Unauthorized');
          else if (error instanceof AppError) ctx.extra.socket.close(1013, 'Try again later');
          else throw error;
          return false;
        }
      },
      onSubscribe: async (ctx, _id, params) => {
        const enveloped = app.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
        });
        let document: ReturnType<typeof enveloped.parse>;
        try {
          document = enveloped.parse(params.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('could not parse the operation')];
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        const contextValue = { ...(await enveloped.contextFactory()), caller: ctx.extra.caller ?? null };
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
    },
    wss,
  );
  wss.on('error', (err) => logger.error({ err }, 'WebSocket server error'));
  return {
    get connections() {
      return wss.clients.size;
    },
    async close() {
      await endpoint.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
