import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger.js';

interface Entry {
  start: number;
  operation: string | null;
  codes: Set<string>;
}

/**
 * The request log of one WebSocket connection: one line per operation when it ends, like HTTP's
 * useRequestLog (its name, outcome, error codes and duration), never its query or variables.
 */
export class OperationLog {
  private readonly open = new Map<string, Entry>();
  private readonly connection = randomUUID();

  constructor(private readonly logger: Logger) {}

  started(id: string, operationName: string | null | undefined): void {
    this.open.set(id, {
      start: performance.now(),
      operation: typeof operationName === 'string' ? operationName.slice(0, 100) : null,
      codes: new Set(),
    });
  }

  /** Names an operation sent without `operationName` after the name in its document. */
  named(id: string, name: string | undefined): void {
    const entry = this.open.get(id);
    if (entry !== undefined && entry.operation === null && name !== undefined)
      entry.operation = name.slice(0, 100);
  }

  /** Notes the error codes of a result or an `error` message. */
  errors(
    id: string,
    errors: readonly (GraphQLFormattedError | { extensions?: unknown })[] | undefined,
  ): void {
    const entry = this.open.get(id);
    if (entry === undefined || errors === undefined) return;
    for (const error of errors) {
      const extensions = error.extensions;
      const code =
        typeof extensions === 'object' && extensions !== null && 'code' in extensions
          ? extensions.code
          : undefined;
      entry.codes.add(typeof code === 'string' ? code : 'GRAPHQL_VALIDATION_FAILED');
    }
  }

  ended(id: string): void {
    const entry = this.open.get(id);
    if (entry === undefined) return;
    this.open.delete(id);
    this.logger.info(
      {
        reqId: `${this.connection}:${id.slice(0, 64)}`,
        transport: 'ws',
        path: '/graphql',
        operation: entry.operation,
        outcome: entry.codes.size === 0 ? 'ok' : 'error',
        ...(entry.codes.size === 0 ? {} : { codes: [...entry.codes] }),
        durationMs: Math.round((performance.now() - entry.start) * 10) / 10,
      },
      'request',
    );
  }
}
