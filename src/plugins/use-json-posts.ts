import type { Plugin } from 'graphql-yoga';
import { BadInputError } from '../errors.js';
import { isEndpointRequest, refusal } from './refusal.js';

/** The body's media type, without its parameters (`charset`), lower-cased. */
function mediaTypeOf(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

/**
 * The CSRF rule, in place of Yoga's CSRF-prevention header: a POST to the endpoint must carry
 * `application/json`, else 415 before anything is parsed (`text/plain`, forms, `application/graphql`
 * included). A browser sends a cross-site POST without asking first only with one of the form
 * types or `text/plain` (a CORS "simple" request); `application/json` needs a preflight, which
 * CORS_ORIGINS decides. GET stays open without any extra header, as the GraphQL-over-HTTP spec and
 * urql's defaults expect: Yoga runs only queries from a GET, so it changes nothing. And the
 * credential is a bearer token, which a page on another site can neither read nor make a browser
 * attach (there are no cookies).
 */
export function useJsonPosts(options: { endpoint: string }): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'POST' || !isEndpointRequest(request, url, options.endpoint)) return;
      if (mediaTypeOf(request) === 'application/json') return;
      endResponse(
        refusal(request, 415, new BadInputError('a POST must be sent as Content-Type: application/json')),
      );
    },
  };
}
