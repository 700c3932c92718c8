import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Command } from 'ioredis';
import type { RedisClient } from './client.js';

/**
 * A CLIENT span for each command sent on this connection, pipelined ones included (a pipeline's
 * `exec` hands each of its commands to `sendCommand`), with the database semantic conventions.
 * `db.statement` is the command name and one `?` per argument: keys hold session tokens and ids,
 * values hold personal data. The official @opentelemetry/instrumentation-ioredis patches
 * `Redis.prototype.sendCommand` when ioredis is loaded, which under ESM needs an `--import` hook
 * (import-in-the-middle) registered before anything imports ioredis, and it patches every
 * connection of the process; this wraps the same method on one instance, the family's command
 * connection, from the adapter. The span's parent is the active span of the caller:
 * `sendCommand` runs synchronously in the caller's async context. Installed only when tracing is
 * on: with it off the connection keeps ioredis' own method, no wrapper and no check per call.
 */
export function traceRedisCommands(redis: RedisClient, tracer: Tracer): void {
  const send = redis.sendCommand.bind(redis) as (command: Command, ...rest: unknown[]) => unknown;
  // ioredis re-sends a command through sendCommand when it replays its queue: one span each.
  const traced = new WeakSet<Command>();
  // A cluster has one database, 0.
  const database = 'db' in redis.options ? (redis.options.db ?? 0) : 0;
  redis.sendCommand = (command: Command, ...rest: unknown[]) => {
    if (traced.has(command)) return send(command, ...rest);
    traced.add(command);
    const operation = command.name.toUpperCase();
    const span = tracer.startSpan(operation, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system': 'redis',
        'db.operation': operation,
        'db.statement': [operation, ...command.args.map(() => '?')].join(' '),
        'db.redis.database_index': database,
      },
    });
    command.promise.then(
      () => span.end(),
      (error: unknown) => {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          ...(error instanceof Error ? { message: error.name } : {}),
        });
        span.end();
      },
    );
    return send(command, ...rest);
  };
}
