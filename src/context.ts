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
  /** The client's address (see client-address.ts), for the login throttle; `unknown` when none. */
  clientAddress: string;
}

const requestCallers = new WeakMap<Request, Caller | null>();
const requestRateLimits = new WeakMap<Request, RateLimitDecision>();

/** Called by useAuthentication once it has authenticated an HTTP request. */
export function rememberRequestCaller(request: Request, caller: Caller | null): void {
  requestCallers.set(request, caller);
}

/** Called by useRateLimit once it has spent the request's point. */
export function rememberRequestRateLimit(request: Request, decision: RateLimitDecision): void {
  requestRateLimits.set(request, decision);
}

/**
 * A fresh context. For an HTTP request the caller is the one useAuthentication resolved from
 * its `Authorization` header; elsewhere (a WebSocket connection, a subscription event) pass the
 * caller from `services.accounts.authenticate(connectionPayload.authorization)`.
 */
export function createContext(
  services: Services,
  request: YogaInitialContext['request'] | null,
  caller: Caller | null = null,
  clientAddress = 'unknown',
): Context {
  const found = request === null ? undefined : requestCallers.get(request);
  if (found === undefined && request?.headers.has('authorization')) {
    // Never treat a token nobody checked as an anonymous caller.
    throw new Error('request with an Authorization header reached the context without authentication');
  }
  return {
    services,
    loaders: createLoaders(services),
    caller: found ?? caller,
    rateLimit: (request === null ? undefined : requestRateLimits.get(request)) ?? null,
    clientAddress,
  };
}
