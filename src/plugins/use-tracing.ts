import { type Span, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

function endWith(span: Span, error: unknown): void {
  if (error !== undefined && error !== null) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/**
 * OpenTelemetry spans for each GraphQL phase: `graphql.parse`, `graphql.validate` and
 * `graphql.execute` (named after the operation and its type). Written on @opentelemetry/api
 * alone: @envelop/opentelemetry 9 spans execution and resolvers but not parse or validate, and
 * pins an SDK of its own. Added only when a tracer is given, so tracing off costs nothing.
 * Attributes carry no variable or document text (they may hold personal data).
 */
export function useTracing(tracer: Tracer): Plugin {
  return {
    onParse() {
      const span = tracer.startSpan('graphql.parse');
      return ({ result }) => endWith(span, result instanceof Error ? result : null);
    },
    onValidate() {
      const span = tracer.startSpan('graphql.validate');
      return ({ valid }) => endWith(span, valid ? null : 'invalid');
    },
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      const span = tracer.startSpan('graphql.execute', {
        attributes: {
          'graphql.operation.type': operation?.operation ?? 'unknown',
          'graphql.operation.name': operation?.name?.value ?? 'Anonymous',
        },
      });
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? result.errors : undefined;
          endWith(span, errors !== undefined && errors.length > 0 ? 'errors' : null);
        },
      };
    },
  };
}
