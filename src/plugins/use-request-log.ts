import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';

const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

interface Pending {
  id: string;
  start: number;
  operation: string | null;
}

/**
 * One JSON log line per request: its id (the client's `x-request-id` when well-formed, else a new
 * one, echoed back), the operation name and the duration. Never the query text or variables,
 * which may hold passwords or personal data.
 */
export function useRequestLog(logger: Logger): Plugin {
  const pending = new WeakMap<Request, Pending>();
  return {
    onRequest({ request }) {
      const given = request.headers.get('x-request-id');
      pending.set(request, {
        id: given !== null && CLIENT_ID.test(given) ? given : randomUUID(),
        start: performance.now(),
        operation: null,
      });
    },
    onParams({ params, request }) {
      const entry = pending.get(request);
      if (entry && typeof params.operationName === 'string')
        entry.operation = params.operationName.slice(0, 100);
    },
    onResponse({ request, response }) {
      const entry = pending.get(request);
      if (!entry) return;
      response.headers.set('x-request-id', entry.id);
      const path = new URL(request.url).pathname;
      if (path === '/health' || path === '/metrics') return;
      logger.info(
        {
          reqId: entry.id,
          method: request.method,
          path,
          operation: entry.operation,
          status: response.status,
          durationMs: Math.round((performance.now() - entry.start) * 10) / 10,
        },
        'request',
      );
    },
  };
}
