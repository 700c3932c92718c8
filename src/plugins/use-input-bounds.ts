import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BadInputError } from '../errors.js';

/**
 * The deepest nesting of objects and lists accepted in an operation's variables. The contract's
 * deepest input, a `CustomerFilter` 5 filters deep with a list at the bottom, is 14 levels.
 */
export const MAX_VARIABLE_DEPTH = 32;

/**
 * The first variable nested deeper than `max`, or null. Walked with an explicit stack: graphql-js'
 * input coercion and zod both recurse once per level, and 12,000 levels of `{"not":` (84 KB, under
 * the body limit) overflowed the call stack (INTERNAL_SERVER_ERROR) before this check.
 */
export function tooDeepVariable(variables: Readonly<Record<string, unknown>>, max: number): string | null {
  for (const [name, value] of Object.entries(variables)) {
    const stack: Array<[unknown, number]> = [[value, 1]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      const [node, depth] = top;
      if (node === null || typeof node !== 'object') continue;
      if (depth > max) return name;
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return null;
}

function refusal(name: string) {
  const error = new BadInputError(`$${name}: nested more than ${MAX_VARIABLE_DEPTH} levels deep`, name);
  return {
    errors: [new GraphQLError(error.message, { extensions: { code: error.code, ...error.details } })],
  };
}

/** Refuses variables nested too deep before they are coerced, on every transport (HTTP, SSE, WebSocket). */
export function useInputBounds(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const name = tooDeepVariable(args.variableValues ?? {}, MAX_VARIABLE_DEPTH);
      if (name !== null) setResultAndStopExecution(refusal(name));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const name = tooDeepVariable(args.variableValues ?? {}, MAX_VARIABLE_DEPTH);
      if (name !== null) setResultAndStopExecution(refusal(name));
    },
  };
}
