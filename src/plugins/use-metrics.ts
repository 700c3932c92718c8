import {
  createCounter,
  createHistogram,
  type FillLabelsFnParams,
  usePrometheus,
} from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { operationLabel } from './known-operations.js';

/** Live figures the app reports at scrape time; each is optional, as not every process has them. */
export interface MetricSources {
  cache?: () => { hits: number; misses: number };
  openSubscriptions?: () => number;
  queueDepth?: () => Promise<number>;
}

/**
 * `GET /metrics` in Prometheus text: requests and their latency by operation (Yoga's Prometheus
 * plugin), errors by contract code, cache hits and misses, open subscriptions, queue depth, and
 * the process's own figures. One registry per app, so several apps in one process never collide.
 */
export function metricsPlugins(sources: MetricSources): Plugin[] {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const errors = new Counter({
    name: 'docgate_errors_total',
    help: 'GraphQL errors sent to clients, by contract code',
    labelNames: ['code'],
    registers: [registry],
  });
  const { cache, openSubscriptions, queueDepth } = sources;
  if (cache) {
    new Gauge({
      name: 'docgate_cache_hits',
      help: 'Shared cache hits since start',
      registers: [registry],
      collect() {
        this.set(cache().hits);
      },
    });
    new Gauge({
      name: 'docgate_cache_misses',
      help: 'Shared cache misses since start',
      registers: [registry],
      collect() {
        this.set(cache().misses);
      },
    });
  }
  if (openSubscriptions) {
    new Gauge({
      name: 'docgate_open_subscriptions',
      help: 'Subscriptions open on this instance',
      registers: [registry],
      collect() {
        this.set(openSubscriptions());
      },
    });
  }
  if (queueDepth) {
    new Gauge({
      name: 'docgate_queue_depth',
      help: 'Jobs waiting or delayed in the queue',
      registers: [registry],
      async collect() {
        this.set(await queueDepth());
      },
    });
  }

  const countErrors: Plugin = {
    onResultProcess({ result }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      for (const error of result.errors ?? []) {
        const code = error.extensions?.code;
        errors.inc({ code: typeof code === 'string' ? code : 'GRAPHQL_VALIDATION_FAILED' });
      }
    },
  };

  return [
    usePrometheus({
      registry,
      endpoint: '/metrics',
      // The path alone is enough; the full URL (query string included) would explode cardinality.
      labels: { method: true, statusCode: true, url: false },
      metrics: operationMetrics(registry),
    }),
    countErrors,
  ];
}

/**
 * The plugin's metrics with bounded labels: the operation name only when the server knows it
 * (known-operations.ts), and no error path (a client's aliases are paths). By default both are
 * taken from the request as sent, one series per distinct value.
 */
function operationMetrics(registry: Registry) {
  type OperationLabel = 'operationName' | 'operationType';
  const labelNames: OperationLabel[] = ['operationName', 'operationType'];
  const labels = (params: FillLabelsFnParams) => ({
    operationName: operationLabel(params.operationName),
    operationType: params.operationType ?? 'unknown',
  });
  const histogram = <P extends string>(name: string, help: string, phases: [P, ...P[]]) =>
    createHistogram<P, OperationLabel>({
      registry,
      histogram: { name, help, labelNames },
      fillLabelsFn: labels,
      phases,
    });
  return {
    graphql_envelop_request: createCounter<'execute' | 'subscribe', OperationLabel>({
      registry,
      counter: { name: 'graphql_envelop_request', help: 'GraphQL operations executed', labelNames },
      fillLabelsFn: labels,
      phases: ['execute', 'subscribe'],
    }),
    graphql_envelop_request_duration: histogram(
      'graphql_envelop_request_duration',
      'Time from parse to the end of execute',
      ['execute', 'subscribe'],
    ),
    graphql_envelop_error_result: createCounter<
      'parse' | 'validate' | 'context' | 'execute' | 'subscribe',
      OperationLabel | 'phase'
    >({
      registry,
      counter: {
        name: 'graphql_envelop_error_result',
        help: 'Errors reported, by phase',
        labelNames: [...labelNames, 'phase'],
      },
      fillLabelsFn: (params) => ({ ...labels(params), phase: params.errorPhase ?? 'unknown' }),
      phases: ['parse', 'validate', 'context', 'execute', 'subscribe'],
    }),
    // Parse, validate and context building each cost an observation per request and say little:
    // Yoga caches parsed and validated documents, and request_duration above covers execution.
    // Only subscribe, once per subscription, keeps a histogram of its own.
    graphql_envelop_phase_parse: false,
    graphql_envelop_phase_validate: false,
    graphql_envelop_phase_context: false,
    graphql_envelop_phase_execute: false,
    graphql_envelop_phase_subscribe: histogram('graphql_envelop_phase_subscribe', 'Time spent subscribing', [
      'subscribe',
    ]),
    // On by default, with operation names as sent: the duration histogram above says the same.
    graphql_envelop_request_time_summary: false,
    graphql_envelop_deprecated_field: false,
    graphql_yoga_http_duration: createHistogram<'request', OperationLabel | 'method' | 'statusCode'>({
      registry,
      histogram: {
        name: 'graphql_yoga_http_duration',
        help: 'Time spent on HTTP requests',
        labelNames: [...labelNames, 'method', 'statusCode'],
      },
      fillLabelsFn: (params, { request, response }: { request: Request; response: Response }) => ({
        ...labels(params),
        method: request.method,
        statusCode: response.status,
      }),
      phases: ['request'],
    }),
  };
}
