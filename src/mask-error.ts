import { GraphQLError } from 'graphql';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';
import { MAX_BODY_BYTES } from './plugins/use-hardening.js';

/** A GraphQL error of the request itself: no cause, or caused only by other GraphQL errors (coercion). */
function isRequestError(error: GraphQLError): boolean {
  const cause = error.originalError;
  return cause === undefined || cause === null || (cause instanceof GraphQLError && isRequestError(cause));
}

function appErrorOf(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof GraphQLError && error.originalError !== undefined)
    return appErrorOf(error.originalError);
  return null;
}

/**
 * The one place errors become what a client sees: an AppError keeps its message and gets its
 * contract code; a GraphQL error of the request itself (syntax, validation, variable coercion)
 * stays as it is; anything else is logged and masked, with no message, stack or driver detail.
 */
export function createMaskError(logger: Logger) {
  return (error: unknown): Error => {
    const appError = appErrorOf(error);
    const located = error instanceof GraphQLError ? error : null;
    if (appError !== null) {
      return new GraphQLError(appError.message, {
        nodes: located?.nodes ?? null,
        path: located?.path ?? null,
        extensions: { code: appError.code, ...appError.details },
      });
    }
    // graphql-jit's errors may come without extensions, whatever GraphQLError's type says.
    if (located?.extensions?.code === 'REQUEST_ENTITY_TOO_LARGE') {
      // Yoga's maxRequestBodySize: the contract's code, Yoga's HTTP status (413) kept.
      return new GraphQLError(`Request body is larger than ${MAX_BODY_BYTES} bytes.`, {
        extensions: { ...located.extensions, code: 'BAD_USER_INPUT' },
      });
    }
    if (located !== null && isRequestError(located)) {
      if (located.message.startsWith('Variable "$') && located.extensions.code === undefined) {
        return new GraphQLError(located.message, {
          nodes: located.nodes ?? null,
          extensions: { ...located.extensions, code: 'BAD_USER_INPUT' },
        });
      }
      return located;
    }
    logger.error({ err: located?.originalError ?? error, path: located?.path }, 'unexpected error');
    return new GraphQLError('Unexpected error.', {
      nodes: located?.nodes ?? null,
      path: located?.path ?? null,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
}
