import type { YogaInitialContext } from 'graphql-yoga';
import type { RateLimitDecision } from './datasources/ports/rate-limiter.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { Caller } from './services/accounts.js';
import type { Services } from './services/index.js';

export type { Caller } from './services/accounts.js';

/** The request context: built fresh per request (and per subscription event), never shared. */
export interface Context {
  services: Services;
  loaders: Loaders;
  /** The signed-in account, or null for an anonymous caller. */
  caller: Caller | null;
  /** This request's rate-limit state, its point already spent; null outside HTTP requests. */
  rateLimit: RateLimitDecision | null;
}

/** What `useRateLimit` found out about an HTTP request before its context is built. */
export interface RequestCaller {
  caller: Caller | null;
  rateLimit: RateLimitDecision | null;
}

const requestCallers = new WeakMap<Request, RequestCaller>();

/** Called by the HTTP plugin once it has authenticated the request and spent its point. */
export function rememberRequestCaller(request: Request, found: RequestCaller): void {
  requestCallers.set(request, found);
}

/**
 * A fresh context. For an HTTP request the caller is the one the rate-limit plugin resolved from
 * its `Authorization` header; elsewhere (a WebSocket connection, a subscription event) pass the
 * caller from `services.accounts.authenticate(connectionPayload.authorization)`.
 */
export function createContext(
  services: Services,
  request: YogaInitialContext['request'] | null,
  caller: Caller | null = null,
): Context {
  const found = request === null ? undefined : requestCallers.get(request);
  if (found === undefined && request?.headers.has('authorization')) {
    // Never treat a token nobody checked as an anonymous caller.
    throw new Error('request with an Authorization header reached the context without authentication');
  }
  return {
    services,
    loaders: createLoaders(services),
    caller: found?.caller ?? caller,
    rateLimit: found?.rateLimit ?? null,
  };
}
