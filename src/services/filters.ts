import { z } from 'zod';
import type { Filter } from '../datasources/ports/documents.js';
import { text } from './validation.js';

/** Regex metacharacters, escaped so `contains` / `startsWith` match the literal text. */
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

const MAX_LIST = 100;
const MAX_DEPTH = 5;
/**
 * The most values (each comparison's value, each item of an `in` list) one filter may hold: the
 * embedded store evaluates every one of them against every document, and a 90 KB filter of 4,800
 * values froze it for 10-20 s.
 */
const MAX_TERMS = 500;
const textValue = z.string().max(200, 'at most 200 characters');
const literal = z.string().min(1, 'must not be empty').max(100, 'at most 100 characters');
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_LIST, `at most ${MAX_LIST} values`);

export const stringFilter = z
  .object({
    eq: textValue.nullish(),
    ne: textValue.nullish(),
    in: list(textValue).nullish(),
    contains: literal.nullish(),
    startsWith: literal.nullish(),
  })
  .strict();

export const intFilter = z
  .object({
    eq: z.number().int().nullish(),
    ne: z.number().int().nullish(),
    gt: z.number().int().nullish(),
    gte: z.number().int().nullish(),
    lt: z.number().int().nullish(),
    lte: z.number().int().nullish(),
    in: list(z.number().int()).nullish(),
  })
  .strict();

export const listFilter = z
  .object({ has: text(50).nullish(), hasAll: list(text(50)).nullish(), hasSome: list(text(50)).nullish() })
  .strict();

export type StringFilter = z.infer<typeof stringFilter>;
export type IntFilter = z.infer<typeof intFilter>;
export type ListFilter = z.infer<typeof listFilter>;

/**
 * Compiles a typed string filter on `field`. Operators come from this allow-list only; client
 * values are always values, never keys or operators. `transform` normalises values (lower-casing
 * for fields stored lower-cased).
 */
export function compileString(
  field: string,
  f: StringFilter,
  transform: (v: string) => string = (v) => v,
): Filter[] {
  const out: Filter[] = [];
  if (f.eq != null) out.push({ [field]: { $eq: transform(f.eq) } });
  if (f.ne != null) out.push({ [field]: { $ne: transform(f.ne) } });
  if (f.in != null) out.push({ [field]: { $in: f.in.map(transform) } });
  if (f.contains != null) out.push({ [field]: { $regex: escapeRegex(f.contains), $options: 'i' } });
  if (f.startsWith != null) out.push({ [field]: { $regex: `^${escapeRegex(f.startsWith)}`, $options: 'i' } });
  return out;
}

export function compileInt(field: string, f: IntFilter): Filter[] {
  const out: Filter[] = [];
  for (const op of ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const) {
    const value = f[op];
    if (value != null) out.push({ [field]: { [`$${op}`]: value } });
  }
  if (f.in != null) out.push({ [field]: { $in: f.in } });
  return out;
}

export function compileList(field: string, f: ListFilter): Filter[] {
  const out: Filter[] = [];
  if (f.has != null) out.push({ [field]: f.has });
  if (f.hasAll != null) out.push({ [field]: { $all: f.hasAll } });
  if (f.hasSome != null) out.push({ [field]: { $in: f.hasSome } });
  return out;
}

export function allOf(conditions: Filter[]): Filter {
  if (conditions.length === 0) return {};
  if (conditions.length === 1) return conditions[0] as Filter;
  return { $and: conditions };
}

export { MAX_DEPTH, MAX_TERMS };
