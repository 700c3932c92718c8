import { type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';

/** Driver bookkeeping in a command, not part of what the command asks. */
const SESSION_FIELDS = new Set(['lsid', 'txnNumber', 'autocommit', 'startTransaction', 'signature']);
const MAX_STATEMENT = 2048;

/**
 * The command's shape with every value replaced by `?` (a filter names fields, never the values
 * searched for: they may be personal data). Arrays show their first element only: an insert of
 * 500 documents is one shape.
 */
export function commandShape(value: unknown, depth = 0): unknown {
  if (depth > 6) return '?';
  if (Array.isArray(value)) return value.length === 0 ? [] : [commandShape(value[0], depth + 1)];
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    const shape: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (depth === 0 && (key.startsWith('$') || SESSION_FIELDS.has(key))) continue;
      shape[key] = commandShape(field, depth + 1);
    }
    return shape;
  }
  return '?';
}

function statementOf(event: CommandStartedEvent): string {
  const text = JSON.stringify(commandShape(event.command));
  return text.length > MAX_STATEMENT ? `${text.slice(0, MAX_STATEMENT)}…` : text;
}

/**
 * A CLIENT span for each command the driver sends, from its command monitoring events
 * (`monitorCommands: true`), with the database semantic conventions. The official
 * @opentelemetry/instrumentation-mongodb would patch the driver's internals when it is loaded,
 * which under ESM needs an `--import` hook (import-in-the-middle) registered before anything
 * imports `mongodb`; the events are the driver's public, documented hook and need nothing at
 * start. `commandStarted` is emitted synchronously in the caller's async context, so the span's
 * parent is the active span of the request. Installed only when tracing is on.
 */
export function traceMongoCommands(client: MongoClient, tracer: Tracer): void {
  // requestId is unique per process; a command's start, then its success or failure, share it.
  const open = new Map<number, Span>();
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const target = event.command[event.commandName];
    const collection = typeof target === 'string' ? target : undefined;
    const [host, port] = event.address.split(':');
    const span = tracer.startSpan(`${event.commandName}${collection === undefined ? '' : ` ${collection}`}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system': 'mongodb',
        'db.name': event.databaseName,
        'db.operation': event.commandName,
        'db.statement': statementOf(event),
        ...(collection === undefined ? {} : { 'db.mongodb.collection': collection }),
        ...(host === undefined ? {} : { 'server.address': host }),
        ...(port === undefined ? {} : { 'server.port': Number(port) }),
      },
    });
    open.set(event.requestId, span);
  });
  const finish = (event: CommandSucceededEvent | CommandFailedEvent, failure?: Error) => {
    const span = open.get(event.requestId);
    if (span === undefined) return;
    open.delete(event.requestId);
    if (failure !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure.name });
    }
    span.end();
  };
  client.on('commandSucceeded', (event: CommandSucceededEvent) => finish(event));
  client.on('commandFailed', (event: CommandFailedEvent) => finish(event, event.failure));
}
