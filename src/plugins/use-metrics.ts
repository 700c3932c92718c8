import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

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
      metrics: {
        graphql_envelop_request: true,
        graphql_envelop_request_duration: true,
        graphql_envelop_error_result: true,
        graphql_envelop_phase_parse: true,
        graphql_envelop_phase_validate: true,
        graphql_envelop_phase_execute: true,
        graphql_yoga_http_duration: true,
      },
    }),
    countErrors,
  ];
}
