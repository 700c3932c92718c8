import {
  context,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { enableTraceContext } from '../trace-context.js';

function failed(span: Span | undefined): void {
  span?.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * Runs `wrapped` with a new span active (a child of the active one), and ends the span when
 * `wrapped` returns or its promise settles; a throw or rejection marks it failed.
 */
function inSpan<T>(tracer: Tracer, name: string, options: SpanOptions, wrapped: () => T): T {
  const span = tracer.startSpan(name, options);
  const fail = (error: unknown): never => {
    failed(span);
    span.end();
    throw error;
  };
  let result: T;
  try {
    result = context.with(trace.setSpan(context.active(), span), wrapped);
  } catch (error) {
    return fail(error);
  }
  if (result instanceof Promise) {
    return result.then((value: unknown) => {
      span.end();
      return value;
    }, fail) as T;
  }
  span.end();
  return result;
}

/**
 * OpenTelemetry spans for each request to the GraphQL endpoint (`POST /graphql`, a SERVER span)
 * and, inside it, each GraphQL phase: `graphql.parse`, `graphql.validate` and `graphql.execute`
 * (named after the operation and its type). Written on @opentelemetry/api alone, with Yoga's
 * `instrumentation` hooks, which wrap each phase: the phase's span is the active one while it runs,
 * so the session check and the rate limit (before parsing) and every resolver's MongoDB and Redis
 * calls (see the datasources' tracing.ts) become children in the request's trace.
 * @envelop/opentelemetry 9 spans execution and resolvers but not parse or validate, and pins an
 * SDK of its own. Added only when a tracer is given, so tracing off costs nothing.
 * Attributes carry no variable or document text (they may hold personal data).
 */
export function useTracing(tracer: Tracer, endpoint: string): Plugin {
  enableTraceContext();
  const requests = new WeakMap<Request, Span>();
  const paths = new Set([endpoint, `${endpoint}/`]);
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const path = new URL(request.url).pathname;
        if (!paths.has(path)) return wrapped();
        const attributes = { 'http.request.method': request.method, 'url.path': path };
        return inSpan(tracer, `${request.method} ${endpoint}`, { kind: SpanKind.SERVER, attributes }, () => {
          const span = trace.getActiveSpan();
          if (span !== undefined) requests.set(request, span);
          return wrapped();
        });
      },
      parse: (_payload, wrapped) => inSpan(tracer, 'graphql.parse', {}, wrapped),
      validate: (_payload, wrapped) => inSpan(tracer, 'graphql.validate', {}, wrapped),
      execute: (_payload, wrapped) => inSpan(tracer, 'graphql.execute', {}, wrapped),
    },
    onParse() {
      return ({ result }) => {
        if (result instanceof Error) failed(trace.getActiveSpan());
      };
    },
    onValidate() {
      return ({ valid }) => {
        if (!valid) failed(trace.getActiveSpan());
      };
    },
    onExecute({ args }) {
      const span = trace.getActiveSpan();
      const operation = getOperationAST(args.document, args.operationName);
      span?.setAttributes({
        'graphql.operation.type': operation?.operation ?? 'unknown',
        'graphql.operation.name': operation?.name?.value ?? 'Anonymous',
      });
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? result.errors : undefined;
          if (errors !== undefined && errors.length > 0) failed(span);
        },
      };
    },
    onResponse({ request, response }) {
      const span = requests.get(request);
      span?.setAttribute('http.response.status_code', response.status);
      if (response.status >= 500) failed(span);
    },
  };
}
