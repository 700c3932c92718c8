import type { Plugin } from 'graphql-yoga';

/**
 * Answers 404 to every path but the given ones, compared exactly. Yoga serves its GraphQL endpoint
 * on any URL that merely ends with it (`//graphql`, `/foo/graphql`, `/?a=/graphql`), which would
 * let a request past every plugin that checks the path. Goes before the plugins that serve paths.
 */
export function useExactPaths(paths: readonly string[]): Plugin {
  const served = new Set(paths);
  return {
    onRequest({ url, endResponse }) {
      if (!served.has(url.pathname)) endResponse(new Response(null, { status: 404 }));
    },
  };
}
