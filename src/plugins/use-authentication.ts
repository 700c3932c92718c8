import type { Plugin } from 'graphql-yoga';
import { rememberRequestCaller } from '../context.js';
import type { Services } from '../services/index.js';
import { type Authentication, authenticate } from './admission.js';
import { isEndpointRequest, refusal } from './refusal.js';

const authentications = new WeakMap<Request, Promise<Authentication>>();

/**
 * Authenticates a request's `Authorization` header once, however many plugins ask (the rate
 * limiter keys by the caller before this plugin refuses a bad token).
 */
export function authenticateRequest(services: Services, request: Request): Promise<Authentication> {
  let found = authentications.get(request);
  if (found === undefined) {
    found = authenticate(services, request.headers.get('authorization'));
    authentications.set(request, found);
  }
  return found;
}

export interface AuthenticationOptions {
  services: Services;
  /** The path whose requests are authenticated (the GraphQL endpoint). */
  endpoint: string;
}

/**
 * Authenticates every request to the endpoint before it is parsed, so the context gets its
 * caller. A bad token: 401 UNAUTHENTICATED; sessions unreachable: 503 SERVICE_UNAVAILABLE (never
 * an anonymous fallback).
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
          unauthenticated ? 401 : 503,
          refused,
          unauthenticated ? { 'WWW-Authenticate': 'Bearer error="invalid_token"' } : {},
        ),
      );
    },
  };
}
