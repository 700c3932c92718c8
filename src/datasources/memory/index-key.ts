import { compare } from 'mingo/util';

/**
 * Keys of the embedded store's secondary indexes: one value per indexed field, then the `_id`, in
 * mingo's (MongoDB's) order of values, so walking an index gives the order mingo's sort gives.
 */
export type IndexKey = readonly unknown[];

/** Below and above every value: the ends of a range over the fields a bound leaves free. */
export const MIN_KEY = Symbol('min key');
export const MAX_KEY = Symbol('max key');

/** Compares two parts of a key in index order (`direction` -1 reverses the values, not the ends). */
function comparePart(a: unknown, b: unknown, direction: 1 | -1): number {
  if (a === b) return 0;
  if (a === MIN_KEY || b === MAX_KEY) return -1;
  if (a === MAX_KEY || b === MIN_KEY) return 1;
  return compare(a, b) * direction;
}

/** The key order of an index whose fields go in `directions` (the `_id` ascending after them). */
export function keyComparator(directions: ReadonlyArray<1 | -1>): (a: IndexKey, b: IndexKey) => number {
  return (a, b) => {
    for (let i = 0; i < a.length; i++) {
      const order = comparePart(a[i], b[i], directions[i] ?? 1);
      if (order !== 0) return order;
    }
    return 0;
  };
}

/**
 * The values a document holds at `path`, as MongoDB indexes them: each element of an array on the
 * way (an index on `addresses.city` holds every address's city), null where the path is missing
 * or ends in an empty array (MongoDB sorts and matches a missing field as null). `array` says whether an array was met (a multikey entry).
 */
export function pathValues(doc: unknown, path: string): { values: unknown[]; array: boolean } {
  const parts = path.split('.');
  const values: unknown[] = [];
  let array = false;
  const walk = (value: unknown, i: number): void => {
    if (Array.isArray(value)) {
      array = true;
      if (value.length === 0) values.push(null);
      for (const element of value) i === parts.length ? values.push(element) : walk(element, i);
      return;
    }
    if (i === parts.length) {
      values.push(value ?? null);
      return;
    }
    if (value === null || typeof value !== 'object' || value instanceof Date) {
      values.push(null);
      return;
    }
    walk((value as Record<string, unknown>)[parts[i] as string], i + 1);
  };
  walk(doc, 0);
  return { values, array };
}
