import type { Caller, Context } from '../context.js';
import { UnauthenticatedError } from '../errors.js';

/**
 * The caller of a field behind `authScopes: { user: true }`: the scope already refused anonymous
 * callers, so this throws only if a field forgot its scope.
 */
export function signedIn(ctx: Context): Caller {
  if (ctx.caller === null) throw new UnauthenticatedError('sign in to do this');
  return ctx.caller;
}
