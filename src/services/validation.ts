import { z } from 'zod';
import { BadInputError } from '../errors.js';

/**
 * Parses `input` with `schema`; the first problem becomes BAD_USER_INPUT naming the field
 * (`addresses.0.city`), so a client can point at what to fix.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const path = [...(prefix === undefined ? [] : [prefix]), ...(issue?.path ?? [])].map(String).join('.');
  throw new BadInputError(
    path === '' ? (issue?.message ?? 'invalid input') : `${path}: ${issue?.message ?? 'invalid'}`,
    path || undefined,
  );
}

/** A trimmed, non-empty string of at most `max` characters. */
export const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);

export const email = z
  .string()
  .trim()
  .max(254, 'at most 254 characters')
  .pipe(z.email('not a valid email address'));

export const id = z.string().regex(/^[0-9a-f]{24}$/, 'not a valid id');
