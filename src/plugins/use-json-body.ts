import type { Plugin } from 'graphql-yoga';
import { isEndpointRequest, refusal } from './refusal.js';

/** `application/json`, parameters (a charset) allowed, compared without case. */
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/**
 * A POST to the endpoint must carry `application/json`: Yoga also reads `application/graphql`,
 * form and multipart bodies, which the contract does not offer and which a browser can send
 * cross-site without a preflight. Anything else is 415 with a BAD_USER_INPUT error.
 */
export function useJsonBody(endpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'POST' || !isEndpointRequest(request, url, endpoint)) return;
      if (JSON_MEDIA_TYPE.test(request.headers.get('content-type') ?? '')) return;
      endResponse(
        refusal(
          415,
          { message: 'POST bodies must be application/json', code: 'BAD_USER_INPUT' },
          {
            Accept: 'application/json',
          },
        ),
      );
    },
  };
}
