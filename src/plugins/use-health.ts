import type { Plugin } from 'graphql-yoga';

/**
 * `GET /health`: 200 while the process serves, on that exact path. Yoga's own check answers any URL
 * that ends with its endpoint (`/foo/health`, `/?next=/health`) and runs before every plugin of
 * ours, so the app gives Yoga an endpoint no URL can end with and serves this one instead.
 */
export const HEALTH_PATH = '/health';
/** A pathname or query never ends with a raw space: URLs carry it encoded. */
export const YOGA_HEALTH_OFF = ' ';

export function useHealth(): Plugin {
  return {
    onRequest({ url, request, endResponse }) {
      if (url.pathname === HEALTH_PATH && (request.method === 'GET' || request.method === 'HEAD')) {
        endResponse(new Response(null, { status: 200 }));
      }
    },
  };
}
