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
