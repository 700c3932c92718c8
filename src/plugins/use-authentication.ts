import type { Plugin } from 'graphql-yoga';
import { rememberRequestCaller } from '../context.js';
import { BadInputError } from '../errors.js';
import type { Services } from '../services/index.js';
import {
  type Admission,
  type Authentication,
  admit,
  authenticate,
  authenticateAndAdmit,
} from './admission.js';
import { ACCESS_TOKEN_PARAM, requestCredential } from './credential.js';
import { isEndpointRequest, refusal } from './refusal.js';

const authentications = new WeakMap<Request, Promise<Authentication>>();

/**
 * Authenticates a request's credential (see requestCredential) once, however many plugins ask
 * (the rate limiter keys by the caller before this plugin refuses a bad token).
 */
export function authenticateRequest(services: Services, request: Request): Promise<Authentication> {
  let found = authentications.get(request);
  if (found === undefined) {
    const credential = requestCredential(request);
    found =
      'misplaced' in credential
        ? Promise.resolve({
            caller: null,
            refused: new BadInputError(credential.misplaced, ACCESS_TOKEN_PARAM),
          })
        : authenticate(services, credential.authorization);
    authentications.set(request, found);
  }
  return found;
}

/**
 * Authenticates a request and spends its point (see authenticateAndAdmit): the rate limiter's
 * gate, which leaves the authentication for useAuthentication to find.
 */
export function admitRequest(services: Services, request: Request, address: string): Promise<Admission> {
  const credential = requestCredential(request);
  if ('misplaced' in credential) {
    const authentication = authenticateRequest(services, request);
    return authentication.then((found) => admit(services, found, address));
  }
  const admission = authenticateAndAdmit(services, credential.authorization, address);
  authentications.set(
    request,
    admission.then(({ caller, refused }) => ({ caller, refused })),
  );
  return admission;
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
