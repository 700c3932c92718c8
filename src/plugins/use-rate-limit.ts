import type { Plugin } from 'graphql-yoga';
import { clientAddress } from '../client-address.js';
import { rememberRequestRateLimit } from '../context.js';
import type { RateLimitDecision } from '../datasources/ports/rate-limiter.js';
import type { Services } from '../services/index.js';
import { secondsUntil } from './admission.js';
import { isEndpointRequest, refusal } from './refusal.js';
import { admitRequest } from './use-authentication.js';

export interface RateLimitOptions {
  services: Services;
  /** The path that is limited (the GraphQL endpoint). */
  endpoint: string;
  /** Take the client address from the last `X-Forwarded-For` entry (behind a trusted proxy). */
  trustProxy: boolean;
}

function setRateLimitHeaders(headers: Headers, decision: RateLimitDecision): void {
  headers.set('RateLimit-Limit', String(decision.limit));
  headers.set('RateLimit-Remaining', String(decision.remaining));
  headers.set('RateLimit-Reset', String(secondsUntil(decision.resetAt)));
}

const requestKeys = new WeakMap<object, string>();

/** Whose budget an HTTP request spent (`account:<id>` or `address:<ip>`), once useRateLimit saw it. */
export function rateLimitKeyOf(request: object): string | undefined {
  return requestKeys.get(request);
}

/**
 * Admits every request to the endpoint (`admit`, shared with the WebSocket) before anything else
 * runs, refused ones included. Over the limit: HTTP 429 with `Retry-After` and a RATE_LIMITED
 * error. Every response of the endpoint carries `RateLimit-Limit`, `-Remaining` and `-Reset`
 * (seconds). Goes before useAuthentication, whose refusal comes second.
 */
export function useRateLimit(options: RateLimitOptions): Plugin {
  const decisions = new WeakMap<Request, RateLimitDecision>();
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (!isEndpointRequest(request, url, options.endpoint)) return;
      const address = clientAddress({ ...serverContext, request }, options.trustProxy);
      // The session check and the point spent: one Redis round trip for a signed-in request.
      const admission = await admitRequest(options.services, request, address);
      decisions.set(request, admission.decision);
      requestKeys.set(request, admission.key);
      rememberRequestRateLimit(request, admission.decision);
      // A bad credential within the limit is useAuthentication's to refuse (401/503).
      if (!admission.decision.allowed && admission.refusal !== null) {
        endResponse(
          refusal(request, 429, admission.refusal, {
            'Retry-After': String(admission.refusal.details.retryAfter),
          }),
        );
      }
    },
    onResponse({ request, response }) {
      const decision = decisions.get(request);
      if (decision !== undefined) setRateLimitHeaders(response.headers, decision);
    },
  };
}
