import { UnavailableError } from '../errors.js';

/**
 * A query that ran past QUERY_TIMEOUT_MS: MongoDB's MaxTimeMSExpired, and the embedded store's
 * twin of it, give clients the same SERVICE_UNAVAILABLE.
 */
export function queryTimedOut(): UnavailableError {
  return new UnavailableError('the query took longer than the server allows; narrow it and try again');
}
