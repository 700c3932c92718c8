import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { DuplicateKeyError, UnavailableError, UnsupportedQueryError } from '../../errors.js';

const DUPLICATE_KEY = 11000;
const NOT_IMPLEMENTED = 238;
/** The server stopped a command at its `maxTimeMS`. */
const MAX_TIME_MS_EXPIRED = 50;

function duplicateKeyField(error: MongoServerError): string {
  const keyPattern: unknown = error.keyPattern;
  if (keyPattern !== null && typeof keyPattern === 'object') {
    const [first] = Object.keys(keyPattern);
    if (first !== undefined) return first;
  }
  const match = /index: (\S+)/.exec(error.message);
  return match?.[1] ?? 'key';
}

/**
 * A driver error as the port's: a duplicate key is DuplicateKeyError, an operator the server lacks
 * UnsupportedQueryError, and a server out of reach or too slow (network failure or timeout, no
 * server to select, `maxTimeMS` expired) UnavailableError, so a client sees SERVICE_UNAVAILABLE
 * as it does when Redis is down. Anything else is returned as it is (and masked).
 */
export function storeError(error: unknown): unknown {
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) {
    return new DuplicateKeyError(duplicateKeyField(error));
  }
  if (error instanceof MongoServerError && error.code === NOT_IMPLEMENTED) {
    return new UnsupportedQueryError(error.message, { cause: error });
  }
  const unreachable =
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    (error instanceof MongoServerError && error.code === MAX_TIME_MS_EXPIRED);
  if (unreachable) {
    const unavailable = new UnavailableError('the document store is unavailable, try again shortly');
    unavailable.cause = error;
    return unavailable;
  }
  return error;
}

/** Throws `storeError(error)`: the `.catch` of every driver call. */
export function rethrow(error: unknown): never {
  throw storeError(error);
}
