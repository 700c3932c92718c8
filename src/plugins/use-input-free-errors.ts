import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestMessage } from '../input-free-message.js';

function withoutValues(error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return error;
  const message = requestMessage(error.message);
  if (message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    extensions: error.extensions,
  });
}

/**
 * Syntax and validation errors quote the literal values of the query (`String cannot represent a
 * non string value: 123456789`, `Unexpected String "…"`): rewritten without them, on every
 * transport (Yoga does not pass these errors through its error mask). Variable errors are
 * rewritten by the mask (mask-error.ts).
 */
export function useInputFreeErrors(): Plugin {
  return {
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) {
          const rewritten = withoutValues(result);
          if (rewritten instanceof GraphQLError) replaceParseResult(rewritten);
        }
      };
    },
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map(withoutValues));
      };
    },
  };
}
