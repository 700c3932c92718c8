import { AppError, UnavailableError } from '../../errors.js';

/**
 * Runs a Redis call and turns any failure of the connection (refused, closed, timed out) into
 * UnavailableError, so callers see a contract error instead of a driver message. With
 * `deadlineMs`, a call that has not answered by then fails too (the connection's command
 * timeout is the bound otherwise); its late answer is ignored.
 */
export async function redisCall<T>(what: string, call: () => Promise<T>, deadlineMs?: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    if (deadlineMs === undefined) return await call();
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
    });
    return await Promise.race([call(), late]);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const unavailable = new UnavailableError(`${what} is unavailable, try again shortly`);
    unavailable.cause = error;
    throw unavailable;
  } finally {
    clearTimeout(timer);
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
