import type { Plugin } from 'graphql-yoga';
import { clientAddress } from '../client-address.js';
import { rememberRequestRateLimit } from '../context.js';
import type { RateLimitDecision } from '../datasources/ports/rate-limiter.js';
import { RateLimitedError } from '../errors.js';
import type { Services } from '../services/index.js';
import { isEndpointRequest, refusal } from './refusal.js';
import { authenticateRequest } from './use-authentication.js';

export interface RateLimitOptions {
  services: Services;
  /** The path that is limited (the GraphQL endpoint). */
  endpoint: string;
  /** Take the client address from the last `X-Forwarded-For` entry (behind a trusted proxy). */
  trustProxy: boolean;
}

const secondsUntil = (at: Date) => Math.max(0, Math.ceil((at.getTime() - Date.now()) / 1000));

function setRateLimitHeaders(headers: Headers, decision: RateLimitDecision): void {
  headers.set('RateLimit-Limit', String(decision.limit));
  headers.set('RateLimit-Remaining', String(decision.remaining));
  headers.set('RateLimit-Reset', String(secondsUntil(decision.resetAt)));
}

/**
 * Spends one point of every request to the endpoint before anything else runs, refused ones
 * included: the caller's (the account when signed in), else the client address's, so a bad token
 * is counted against its address. Over the limit: HTTP 429 with `Retry-After` and a RATE_LIMITED
 * error. Every response of the endpoint carries `RateLimit-Limit`, `-Remaining` and `-Reset`
 * (seconds). Goes before useAuthentication, whose refusal comes second.
 */
export function useRateLimit(options: RateLimitOptions): Plugin {
  const decisions = new WeakMap<Request, RateLimitDecision>();
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (!isEndpointRequest(request, url, options.endpoint)) return;
      const { caller } = await authenticateRequest(options.services, request);
      const key =
        caller === null
          ? `address:${clientAddress({ ...serverContext, request }, options.trustProxy)}`
          : `account:${caller.accountId}`;
      const decision = await options.services.requestLimiter.consume(key);
      decisions.set(request, decision);
      rememberRequestRateLimit(request, decision);
      if (!decision.allowed) {
        const retryAfter = Math.max(1, secondsUntil(decision.resetAt));
        endResponse(
          refusal(429, new RateLimitedError('too many requests, slow down', retryAfter), {
            'Retry-After': String(retryAfter),
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
