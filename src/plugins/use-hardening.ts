import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { type GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Query limits, chosen so that every operation of the contract passes with room to spare
 * (its deepest, `Orders`, is 6 levels; none uses aliases or directives) while a hostile query is
 * refused before it runs. The README lists them.
 */
export const QUERY_LIMITS = {
  depth: 10,
  aliases: 15,
  directives: 10,
  tokens: 2000,
  cost: 5000,
} as const;

/**
 * The largest request body accepted, in bytes: Yoga's `maxRequestBodySize` (which counts the bytes
 * of a chunked body too) and the WebSocket message limit.
 */
export const MAX_BODY_BYTES = 100_000;

/** GraphQL Armor's cost limit as configured here; use-filter-cost.ts measures with the same options. */
export const COST_LIMIT = { maxCost: QUERY_LIMITS.cost, ignoreIntrospection: true } as const;

export interface HardeningOptions {
  /** Introspection answered (off in production). */
  introspection: boolean;
}

/**
 * Armor throws its refusals out of the validation rule by default, which Yoga answers 200 with a
 * bare error and no code; reported instead, a refusal is a validation error like any other:
 * `GRAPHQL_VALIDATION_FAILED`, 400 to a client that accepts `application/graphql-response+json`.
 */
const asValidationError = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

export function hardeningPlugins(options: HardeningOptions): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: {
      n: QUERY_LIMITS.depth,
      ignoreIntrospection: true,
      flattenFragments: true,
      ...asValidationError,
    },
    maxAliases: { n: QUERY_LIMITS.aliases, allowList: [], ...asValidationError },
    maxDirectives: { n: QUERY_LIMITS.directives, ...asValidationError },
    maxTokens: { n: QUERY_LIMITS.tokens },
    costLimit: { ...COST_LIMIT, ...asValidationError },
    blockFieldSuggestion: { enabled: true },
  });
  const plugins: Plugin[] = [...(armor.protect().plugins as Plugin[])];
  if (!options.introspection) plugins.push(refuseIntrospection);
  return plugins;
}

/**
 * graphql-js' own rule on every validation. Not Yoga's useDisableIntrospection: it marks the HTTP
 * request when it is parsed, so an operation over WebSocket (which has no such request) passed.
 */
const refuseIntrospection: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(NoSchemaIntrospectionCustomRule);
  },
};
