import type { Plugin } from 'graphql-yoga';
import { rememberRequestCaller } from '../context.js';
import type { RateLimitDecision } from '../datasources/ports/rate-limiter.js';
import { AppError, RateLimitedError } from '../errors.js';
import type { Services } from '../services/index.js';

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

/** A contract error as a whole response, for requests refused before they are parsed. */
function errorResponse(error: AppError, status: number, headers: Record<string, string> = {}): Response {
  return Response.json(
    { errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }] },
    { status, headers },
  );
}

function socketAddress(serverContext: unknown): string | null {
  if (typeof serverContext !== 'object' || serverContext === null || !('req' in serverContext)) return null;
  const { req } = serverContext;
  if (typeof req !== 'object' || req === null || !('socket' in req)) return null;
  const { socket } = req;
  if (typeof socket !== 'object' || socket === null || !('remoteAddress' in socket)) return null;
  return typeof socket.remoteAddress === 'string' ? socket.remoteAddress : null;
}

function clientAddress(request: Request, serverContext: unknown, trustProxy: boolean): string {
  const forwarded = trustProxy
    ? request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim()
    : undefined;
  return forwarded || socketAddress(serverContext) || 'unknown';
}

/**
 * Authenticates every request to the endpoint and spends one point of its caller (the account
 * when signed in, else the client address) before anything else runs. Over the limit: HTTP 429
 * with `Retry-After` and a RATE_LIMITED error. A bad token: 401 UNAUTHENTICATED; sessions
 * unreachable: 503 SERVICE_UNAVAILABLE (never an anonymous fallback). Every response of the
 * endpoint carries `RateLimit-Limit`, `-Remaining` and `-Reset` (seconds).
 */
export function useRateLimit(options: RateLimitOptions): Plugin {
  const decisions = new WeakMap<Request, RateLimitDecision>();
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      // Yoga serves the endpoint with and without a trailing slash.
      const endpoint = url.pathname === options.endpoint || url.pathname === `${options.endpoint}/`;
      if (!endpoint || request.method === 'OPTIONS') return;
      const { accounts, requestLimiter } = options.services;
      let caller = null;
      let refused: AppError | null = null;
      try {
        caller = await accounts.authenticate(request.headers.get('authorization'));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refused = error;
      }
      const key =
        caller === null
          ? `address:${clientAddress(request, serverContext, options.trustProxy)}`
          : `account:${caller.accountId}`;
      const decision = await requestLimiter.consume(key);
      decisions.set(request, decision);
      rememberRequestCaller(request, { caller, rateLimit: decision });
      if (!decision.allowed) {
        const retryAfter = Math.max(1, secondsUntil(decision.resetAt));
        endResponse(
          errorResponse(new RateLimitedError('too many requests, slow down', retryAfter), 429, {
            'Retry-After': String(retryAfter),
          }),
        );
      } else if (refused !== null) {
        const unauthenticated = refused.code === 'UNAUTHENTICATED';
        endResponse(
          errorResponse(
            refused,
            unauthenticated ? 401 : 503,
            unauthenticated ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {},
          ),
        );
      }
    },
    onResponse({ request, response }) {
      const decision = decisions.get(request);
      if (decision !== undefined) setRateLimitHeaders(response.headers, decision);
    },
  };
}
