import type { Caller } from '../context.js';
import type { RateLimitDecision } from '../datasources/ports/rate-limiter.js';
import { AppError, RateLimitedError } from '../errors.js';
import type { Services } from '../services/index.js';

/** Who sent an operation: the caller, or why its credential was refused. */
export interface Authentication {
  caller: Caller | null;
  /**
   * UNAUTHENTICATED for a bad token, SERVICE_UNAVAILABLE when sessions are unreachable,
   * BAD_USER_INPUT for an `access_token` where it is not accepted.
   */
  refused: AppError | null;
}

/** An operation let in, or not: its caller, the point it spent, and why it is refused. */
export interface Admission extends Authentication {
  /** Whose budget paid: `account:<id>` when signed in, else `address:<client address>`. */
  key: string;
  decision: RateLimitDecision;
  /** RATE_LIMITED over the limit, else the credential's refusal; null when the operation may run. */
  refusal: AppError | null;
}

/** Checks a credential (`Bearer <token>` or none) against the sessions; never anonymous for a bad one. */
export function authenticate(services: Services, authorization: string | null): Promise<Authentication> {
  return services.accounts.authenticate(authorization).then(
    (caller): Authentication => ({ caller, refused: null }),
    (error: unknown): Authentication => {
      if (!(error instanceof AppError)) throw error;
      return { caller: null, refused: error };
    },
  );
}

const ACCOUNT_KEY = 'account:';

/** Whose budget and slots an operation uses: the account when signed in, else the client address. */
export function callerKey(caller: Caller | null, address: string): string {
  return caller === null ? `address:${address}` : `${ACCOUNT_KEY}${caller.accountId}`;
}

export const secondsUntil = (at: Date) => Math.max(0, Math.ceil((at.getTime() - Date.now()) / 1000));

/**
 * authenticate, then admit, with the session check and the point spent in one round trip
 * where the store allows (AccountService.authenticateAndSpend): an HTTP request's gate.
 */
export async function authenticateAndAdmit(
  services: Services,
  authorization: string | null,
  address: string,
): Promise<Admission> {
  const { caller, refused, key, decision } = await services.accounts.authenticateAndSpend(
    authorization,
    services.requestLimiter,
    { account: ACCOUNT_KEY, anonymous: callerKey(null, address) },
  );
  return { caller, refused, key, decision, refusal: refusalOf({ caller, refused }, decision) };
}

function refusalOf(authentication: Authentication, decision: RateLimitDecision): AppError | null {
  return decision.allowed
    ? authentication.refused
    : new RateLimitedError('too many requests, slow down', Math.max(1, secondsUntil(decision.resetAt)));
}

/**
 * The one gate every operation passes, on every transport (an HTTP request, SSE included, and
 * each operation on a WebSocket): spends one point of the caller's budget (the account's, else
 * the address's, so a bad token is counted against its address) and says whether it may run.
 */
export async function admit(
  services: Services,
  authentication: Authentication,
  address: string,
): Promise<Admission> {
  const key = callerKey(authentication.caller, address);
  const decision = await services.requestLimiter.consume(key);
  return { ...authentication, key, decision, refusal: refusalOf(authentication, decision) };
}
