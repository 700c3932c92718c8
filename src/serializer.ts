import { EJSON } from 'bson';

/**
 * The one serializer for everything that leaves the process as text (shared cache values,
 * pub/sub payloads, job data): Extended JSON, so dates, ids and nested arrays round-trip exactly.
 */
export function serialize(value: unknown): string {
  return EJSON.stringify(value, { relaxed: false });
}

export function deserialize<T>(text: string): T {
  return EJSON.parse(text, { relaxed: true }) as T;
}

/**
 * A shared-cache value: relaxed Extended JSON, whose numbers are plain JSON numbers and dates
 * `{"$date":"<ISO>"}`. Any Extended JSON reader (an instance of an earlier version included)
 * reads it; decodeCached reads it faster.
 */
export function encodeCached(value: unknown): string {
  return EJSON.stringify(value, { relaxed: true });
}

/** Thrown inside revive at a value plain JSON and `$date` cannot say: EJSON decodes it then. */
const SPECIAL = Symbol('special');

/** Turns `{"$date":"<ISO>"}` back into Dates in place; throws SPECIAL at any other `$` key. */
function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (key.charCodeAt(0) === 36 /* $ */) {
      const date = record.$date;
      if (key === '$date' && typeof date === 'string' && Object.keys(record).length === 1)
        return new Date(date);
      throw SPECIAL;
    }
    record[key] = revive(record[key]);
  }
  return record;
}

/**
 * Decodes a shared-cache value. EJSON's reviver runs a function per key of every entry, and
 * was the largest part of the read path's CPU profile (80 entries per 50-order page): plain
 * JSON.parse does the work here, and only dates are revived after. A value with any other
 * Extended JSON type (ids, binary, non-finite numbers...) is decoded by EJSON as before.
 */
export function decodeCached<T>(text: string): T {
  if (!text.includes('"$')) return JSON.parse(text) as T;
  try {
    return revive(JSON.parse(text)) as T;
  } catch (error) {
    if (error !== SPECIAL) throw error;
    return deserialize<T>(text);
  }
}
