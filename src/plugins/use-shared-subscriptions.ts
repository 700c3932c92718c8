import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  getArgumentValues,
  getOperationAST,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { AppError } from '../errors.js';
import { EventQueue } from '../event-queue.js';
import { createLoaders } from '../loaders.js';
import { Audiences, type Member } from './audiences.js';
import { SessionWatch } from './session-watch.js';
import { carryEventCursor, lastEventIdOf } from './use-event-ids.js';

/**
 * Field extensions read here (set with Pothos' `extensions`):
 * - `sharedAudience` on a subscription root field: its source and results depend on its
 *   arguments and the caller's role only, so subscribers with the same document, variables and
 *   role share one execution per event. Without it every subscriber is an audience of one.
 * - `callerDependent` on any field: what it returns depends on who the caller is, so a
 *   document selecting it is shared only among subscribers of the same account.
 */
export const SHARED_AUDIENCE = 'sharedAudience';
export const CALLER_DEPENDENT = 'callerDependent';

/** Where a WebSocket operation's events are written directly (set by websocket.ts). */
export interface SocketDelivery {
  /** The graphql-transport-ws operation id. */
  id: string;
  /** Writes one `next` frame, or drops the subscriber (backpressure). */
  write(frame: Buffer): void;
}

const deliveries = new WeakMap<object, SocketDelivery>();

/** Makes the subscription of this context write its events straight to a socket. */
export function deliverToSocket(contextValue: object, delivery: SocketDelivery): void {
  deliveries.set(contextValue, delivery);
}

/** Subscription streams of one instance (keyed by its services): being set up, and open. */
export interface SubscriptionCounts {
  settingUp: number;
  open: number;
}

interface Realtime {
  counts: SubscriptionCounts;
  audiences: Audiences;
  sessions: SessionWatch;
}

const engines = new WeakMap<object, Realtime>();

type MaskError = (error: unknown) => Error;

function realtime(services: Context['services'], maskError: MaskError): Realtime {
  let found = engines.get(services);
  if (found === undefined) {
    found = {
      counts: { settingUp: 0, open: 0 },
      audiences: new Audiences({
        // Fresh loaders per event: nothing cached from an earlier one (Pothos #1421).
        eventContext: (start) => ({ ...(start as Context), loaders: createLoaders(services) }),
        // The event's cursor, noted by its resolver, goes with the result to every SSE member.
        executed: (context, result) => {
          if (typeof context === 'object' && context !== null) carryEventCursor(context, result);
        },
        serializeErrors: (errors) =>
          errors.map((error) => {
            const masked = maskError(error);
            return masked instanceof GraphQLError ? masked.toJSON() : { message: masked.message };
          }),
      }),
      sessions: new SessionWatch(services),
    };
    engines.set(services, found);
  }
  return found;
}

/** This instance's subscription streams, for leak checks and metrics. */
export function subscriptionCounts(services: object): SubscriptionCounts {
  return engines.get(services)?.counts ?? { settingUp: 0, open: 0 };
}

/** This instance's audiences and watched sessions, for leak checks. */
export function realtimeStats(services: object): { audiences: number; members: number; sessions: number } {
  const engine = engines.get(services);
  return {
    ...(engine?.audiences.stats() ?? { audiences: 0, members: 0 }),
    sessions: engine?.sessions.size ?? 0,
  };
}

interface Sharing {
  /** sha256 of the printed document. */
  hash: string;
  shared: boolean;
  callerDependent: boolean;
}

const sharings = new WeakMap<DocumentNode, Map<string, Sharing>>();

/** What a document allows to share (cached per parsed document: Yoga reuses parses). */
function sharingOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): Sharing {
  const byName = sharings.get(document) ?? new Map<string, Sharing>();
  sharings.set(document, byName);
  const known = byName.get(operationName ?? '');
  if (known !== undefined) return known;
  const operation = getOperationAST(document, operationName);
  const roots = schema.getSubscriptionType()?.getFields() ?? {};
  const rootFields =
    operation?.selectionSet.selections.filter((s) => s.kind === 'Field').map((s) => roots[s.name.value]) ??
    [];
  const shared =
    rootFields.length > 0 && rootFields.every((field) => field?.extensions?.[SHARED_AUDIENCE] === true);
  let callerDependent = false;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        if (typeInfo.getFieldDef()?.extensions?.[CALLER_DEPENDENT] === true) callerDependent = true;
      },
    }),
  );
  const sharing = {
    hash: createHash('sha256').update(print(document)).digest('base64url'),
    shared,
    callerDependent,
  };
  byName.set(operationName ?? '', sharing);
  return sharing;
}

/**
 * The audience a subscriber belongs to: subscribers whose results must be equal (same document,
 * operation, variables, and rights: the role, plus the account where a selected field depends on
 * it). Null: an audience of one.
 */
export function audienceKey(args: ExecutionArgs, caller: Context['caller']): string | null {
  const operationName = args.operationName ?? null;
  const sharing = sharingOf(args.schema, args.document, operationName);
  if (!sharing.shared) return null;
  // A subscriber resuming from a cursor (`after`, or an SSE Last-Event-ID) replays what it
  // missed: a stream of its own. Sharing by equal variables would hand a later subscriber with
  // the same cursor only the events after it joined.
  if (
    (typeof args.contextValue === 'object' &&
      args.contextValue !== null &&
      lastEventIdOf(args.contextValue) !== null) ||
    resumesFromCursor(args, operationName)
  )
    return null;
  const rights =
    caller === null
      ? 'anonymous'
      : sharing.callerDependent
        ? `${caller.role}:${caller.accountId}`
        : caller.role;
  return `${sharing.hash}|${operationName ?? ''}|${rights}|${JSON.stringify(args.variableValues ?? {})}`;
}

/** True when a root field of the operation is given an `after` cursor. */
function resumesFromCursor(args: ExecutionArgs, operationName: string | null): boolean {
  const roots = args.schema.getSubscriptionType()?.getFields() ?? {};
  const selections = getOperationAST(args.document, operationName)?.selectionSet.selections ?? [];
  return selections.some((node) => {
    if (node.kind !== 'Field') return false;
    const field = roots[node.name.value];
    if (field === undefined || !field.args.some((arg) => arg.name === 'after')) return false;
    return getArgumentValues(field, node, args.variableValues ?? undefined)['after'] != null;
  });
}

/** The last result of a stream that ended for a known reason (its code reaches the client). */
function endResult(error: AppError): ExecutionResult {
  return { errors: [new GraphQLError(error.message, { originalError: error })] };
}

/**
 * Runs subscriptions on the fan-out engine (audiences.ts): each event is executed once per
 * audience with a fresh context, not once per subscriber; WebSocket subscribers get the shared
 * frame written to their socket (deliverToSocket), other transports read the shared result, whose
 * JSON is made once (Yoga's `result.stringify`). A signed-in subscriber's stream ends with
 * UNAUTHENTICATED when its session ends (session-watch.ts), without a session look-up per event.
 */
export function useSharedSubscriptions(options: { maskError: MaskError }): Plugin<Context> {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const start = args.contextValue as Context;
        const engine = realtime(start.services, options.maskError);
        engine.counts.settingUp++;
        try {
          return await open(engine, args, start, deliveries.get(start));
        } finally {
          engine.counts.settingUp--;
        }
      });
    },
  };
}

async function open(
  engine: Realtime,
  args: ExecutionArgs,
  start: Context,
  delivery: SocketDelivery | undefined,
): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
  let leave = () => {};
  let unwatch = () => {};
  let counted = false;
  const out = new EventQueue<ExecutionResult>(() => {
    leave();
    unwatch();
    if (counted) engine.counts.open--;
  });
  const member: Member = {
    deliver:
      delivery === undefined
        ? (event) => out.push(event.result)
        : (event) => delivery.write(event.frame(delivery.id)),
    end: (error) => {
      if (error === undefined) out.end();
      else if (error instanceof AppError) {
        // Said once, with its code, then the end.
        out.push(endResult(error));
        out.end();
      } else out.end(error);
    },
  };
  if (start.caller !== null) {
    try {
      unwatch = await engine.sessions.watch(start.caller, (error) => member.end(error));
    } catch (error) {
      if (error instanceof AppError) return endResult(error);
      throw error;
    }
  }
  let joined: Awaited<ReturnType<Audiences['join']>>;
  try {
    joined = await engine.audiences.join(audienceKey(args, start.caller), args, member);
  } catch (error) {
    unwatch();
    throw error;
  }
  if ('refused' in joined) {
    unwatch();
    return joined.refused;
  }
  // Ended while joining (its session ended): nothing more will come.
  if (out.closed) {
    joined.leave();
    unwatch();
    return out;
  }
  leave = joined.leave;
  counted = true;
  engine.counts.open++;
  return out;
}
