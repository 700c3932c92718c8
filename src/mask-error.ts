import { GraphQLError } from 'graphql';
import { AppError } from './errors.js';
import { requestMessage, variableMessage } from './input-free-message.js';
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

/** What a client is sent for an error, before it is logged. */
function clientError(error: unknown): GraphQLError | null {
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
  if (located === null || !isRequestError(located)) return null;
  if (located.message.startsWith('Variable "$') && located.extensions?.code === undefined) {
    const { message, field } = variableMessage(located.message, located.originalError?.message);
    return new GraphQLError(message, {
      nodes: located.nodes ?? null,
      extensions: {
        ...located.extensions,
        code: 'BAD_USER_INPUT',
        ...(field === undefined ? {} : { field }),
      },
    });
  }
  const message = requestMessage(located.message);
  if (message === located.message) return located;
  return new GraphQLError(message, {
    nodes: located.nodes ?? null,
    path: located.path ?? null,
    extensions: located.extensions,
  });
}

/**
 * The one place errors become what a client sees: an AppError keeps its message and gets its
 * contract code; a GraphQL error of the request itself (syntax, validation, variable coercion)
 * keeps its message less any value it quoted (input-free-message.ts); anything else is logged
 * and masked, with no message, stack or driver detail. Expected errors are logged at info with
 * what the client was sent; `handled` tells Yoga's logger which errors were logged here.
 */
export function createMaskError(logger: Logger) {
  const handled = new WeakSet<object>();
  const mask = (error: unknown): Error => {
    if (typeof error === 'object' && error !== null) handled.add(error);
    const sent = clientError(error);
    if (sent !== null) {
      logger.info({ code: sent.extensions?.code, path: sent.path, message: sent.message }, 'client error');
      return sent;
    }
    const located = error instanceof GraphQLError ? error : null;
    logger.error({ err: located?.originalError ?? error, path: located?.path }, 'unexpected error');
    return new GraphQLError('Unexpected error.', {
      nodes: located?.nodes ?? null,
      path: located?.path ?? null,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  };
  return {
    mask,
    handled: (error: unknown) => typeof error === 'object' && error !== null && handled.has(error),
  };
}
