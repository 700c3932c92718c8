import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { Context } from '../context.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';

/** The schema's types: context and scalars are declared here once and inferred everywhere else. */
export interface SchemaTypes {
  Context: Context;
  /** Fields are non-null unless they say `nullable: true`: the contract's lists and ids never are. */
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  /**
   * The contract's "Who may do what": a field without `authScopes` is open to anyone;
   * `{ user: true }` needs a signed-in account (USER or ADMIN); `{ admin: true }` an ADMIN.
   */
  AuthScopes: { user: boolean; admin: boolean };
}

export const builder = new SchemaBuilder<SchemaTypes>({
  defaultFieldNullability: false,
  plugins: [ScopeAuthPlugin],
  scopeAuth: {
    // Subscriptions are checked once, when they start, with the connection's caller.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({ user: ctx.caller !== null, admin: ctx.caller?.role === 'ADMIN' }),
    // No caller: UNAUTHENTICATED; a caller whose role is too low: FORBIDDEN (mapped in mask-error.ts).
    unauthorizedError: (_parent, ctx) =>
      ctx.caller === null
        ? new UnauthenticatedError('sign in to do this')
        : new ForbiddenError('your role does not allow this'),
  },
});

/** The builder's full type set, for helpers that take refs. */
export type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
