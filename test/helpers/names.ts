import { randomUUID } from 'node:crypto';

/**
 * `${prefix}_<20 hex chars>`, unique per call: for database names, Redis key prefixes, etc.
 * Keep `prefix` to [A-Za-z0-9_-] and at most 42 characters so the result is a valid FerretDB
 * database name (at most 63 characters of [A-Za-z0-9_-]).
 */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}
