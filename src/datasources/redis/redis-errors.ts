import { AppError, UnavailableError } from '../../errors.js';

/**
 * Runs a Redis call and turns any failure of the connection (refused, closed, timed out) into
 * UnavailableError, so callers see a contract error instead of a driver message.
 */
export async function redisCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const unavailable = new UnavailableError(`${what} is unavailable, try again shortly`);
    unavailable.cause = error;
    throw unavailable;
  }
}

/** The results of a MULTI/EXEC or pipeline, failing on the first command error. */
export function execResults(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (results === null) throw new Error('transaction aborted');
  return results.map(([error, value]) => {
    if (error !== null) throw error;
    return value;
  });
}
