import type { Plugin } from 'graphql-yoga';
import { type Caller, rememberRequestCaller } from '../context.js';
import { AppError, BadInputError } from '../errors.js';
import type { Services } from '../services/index.js';
import { ACCESS_TOKEN_PARAM, requestCredential } from './credential.js';
import { isEndpointRequest, refusal } from './refusal.js';

/** Who sent a request: the caller, or why its credential was refused. */
export interface Authentication {
  caller: Caller | null;
  /**
   * UNAUTHENTICATED for a bad token, SERVICE_UNAVAILABLE when sessions are unreachable,
   * BAD_USER_INPUT for an `access_token` where it is not accepted.
   */
  refused: AppError | null;
}

const authentications = new WeakMap<Request, Promise<Authentication>>();

/**
 * Authenticates a request's credential (see requestCredential) once, however many plugins ask
 * (the rate limiter keys by the caller before this plugin refuses a bad token).
 */
export function authenticateRequest(services: Services, request: Request): Promise<Authentication> {
  let found = authentications.get(request);
  if (found === undefined) {
    const credential = requestCredential(request);
    if ('misplaced' in credential) {
      found = Promise.resolve({
        caller: null,
        refused: new BadInputError(credential.misplaced, ACCESS_TOKEN_PARAM),
      });
      authentications.set(request, found);
      return found;
    }
    found = services.accounts.authenticate(credential.authorization).then(
      (caller): Authentication => ({ caller, refused: null }),
      (error: unknown): Authentication => {
        if (!(error instanceof AppError)) throw error;
        return { caller: null, refused: error };
      },
    );
    authentications.set(request, found);
  }
  return found;
}

export interface AuthenticationOptions {
  services: Services;
  /** The path whose requests are authenticated (the GraphQL endpoint). */
  endpoint: string;
}

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, BAD_USER_INPUT: 400 };

/**
 * Authenticates every request to the endpoint before it is parsed, so the context gets its
 * caller. A bad token: 401 UNAUTHENTICATED; a misplaced `access_token`: 400 BAD_USER_INPUT;
 * sessions unreachable: 503 SERVICE_UNAVAILABLE (never an anonymous fallback).
 */
export function useAuthentication(options: AuthenticationOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!isEndpointRequest(request, url, options.endpoint)) return;
      const { caller, refused } = await authenticateRequest(options.services, request);
      if (refused === null) {
        rememberRequestCaller(request, caller);
        return;
      }
      const unauthenticated = refused.code === 'UNAUTHENTICATED';
      endResponse(
        refusal(
          request,
          STATUS[refused.code] ?? 503,
          refused,
          unauthenticated ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {},
        ),
      );
    },
  };
}
