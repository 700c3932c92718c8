/** The contract's error codes (`extensions.code`), one per expected failure kind. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'CURSOR_EXPIRED';

/**
 * An expected failure. Datasources and services throw these, never GraphQLError;
 * `src/mask-error.ts` is the one place that maps them to contract errors.
 */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra fields for `extensions` (e.g. `field`, `retryAfter`). */
  readonly details: Record<string, string | number>;

  constructor(message: string, details: Record<string, string | number> = {}) {
    super(message);
    this.details = details;
  }
}

export class BadInputError extends AppError {
  override readonly name = 'BadInputError';
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string, field?: string) {
    super(message, field === undefined ? {} : { field });
  }
}

export class NotFoundError extends AppError {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends AppError {
  override readonly name = 'ConflictError';
  readonly code = 'CONFLICT';
}

export class UnauthenticatedError extends AppError {
  override readonly name = 'UnauthenticatedError';
  readonly code = 'UNAUTHENTICATED';
}

export class ForbiddenError extends AppError {
  override readonly name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}

export class RateLimitedError extends AppError {
  override readonly name = 'RateLimitedError';
  readonly code = 'RATE_LIMITED';
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { retryAfter: retryAfterSeconds });
  }
}

export class UnavailableError extends AppError {
  override readonly name = 'UnavailableError';
  readonly code = 'SERVICE_UNAVAILABLE';
}

/** An event cursor older than the events kept (EVENT_RETENTION_SECONDS): refetch, then subscribe anew. */
export class CursorExpiredError extends AppError {
  override readonly name = 'CursorExpiredError';
  readonly code = 'CURSOR_EXPIRED';
}

/** A unique index refused a write; `key` names the indexed field. Services turn it into ConflictError. */
export class DuplicateKeyError extends Error {
  override readonly name = 'DuplicateKeyError';
  constructor(readonly key: string) {
    super(`duplicate key on ${key}`);
  }
}

/** The server does not implement an operator the query uses (MongoDB-compatible servers such as FerretDB). */
export class UnsupportedQueryError extends Error {
  override readonly name = 'UnsupportedQueryError';
}

/** A job failure that a retry cannot fix: the queue fails the job at once instead of retrying it. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}
