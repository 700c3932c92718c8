import { compare } from 'mingo/util';
import type { Filter } from '../ports/documents.js';

/**
 * Index bounds: which values of one field a filter can match, as MongoDB's planner derives them.
 * They only ever widen what the filter matches (every candidate is tested against the whole filter
 * afterwards), so an operator they do not understand leaves the field unbounded.
 */
export interface Bound {
  value: unknown;
  inclusive: boolean;
}

/** `null` ends are open. */
export interface Interval {
  lo: Bound | null;
  hi: Bound | null;
}

/** Sorted, disjoint intervals; `null` when the filter does not bound the field. */
export type Bounds = Interval[] | null;

function isScalar(v: unknown): boolean {
  if (v === null) return true;
  if (v instanceof Date) return Number.isFinite(v.getTime());
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && !Number.isNaN(v));
}

/** An equality (null also matches a missing field, which the index holds as null). */
function point(v: unknown): Interval[] {
  return [{ lo: { value: v, inclusive: true }, hi: { value: v, inclusive: true } }];
}

/** Order of a low end against a low end, or a high end against a high end (`lowEnd`). */
function compareEnds(a: Bound | null, b: Bound | null, lowEnd: boolean): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === lowEnd ? -1 : 1;
  }
  const order = compare(a.value, b.value);
  if (order !== 0 || a.inclusive === b.inclusive) return order;
  // At one value, an inclusive low end comes first and an inclusive high end last.
  return a.inclusive === lowEnd ? -1 : 1;
}

/** True when nothing lies between `lo` and `hi`. */
function empty(i: Interval): boolean {
  if (i.lo === null || i.hi === null) return false;
  const order = compare(i.lo.value, i.hi.value);
  return order > 0 || (order === 0 && !(i.lo.inclusive && i.hi.inclusive));
}

/** True when `hi` reaches `lo` (the two intervals touch or overlap). */
function reaches(hi: Bound | null, lo: Bound | null): boolean {
  if (hi === null || lo === null) return true;
  const order = compare(hi.value, lo.value);
  return order > 0 || (order === 0 && (hi.inclusive || lo.inclusive));
}

export function union(lists: readonly Interval[][]): Interval[] {
  const all = lists.flat().sort((a, b) => compareEnds(a.lo, b.lo, true));
  const out: Interval[] = [];
  for (const next of all) {
    const last = out.at(-1);
    if (last !== undefined && reaches(last.hi, next.lo)) {
      if (compareEnds(next.hi, last.hi, false) > 0) last.hi = next.hi;
    } else out.push({ ...next });
  }
  return out;
}

function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a)
    for (const y of b) {
      const i = {
        lo: compareEnds(x.lo, y.lo, true) >= 0 ? x.lo : y.lo,
        hi: compareEnds(x.hi, y.hi, false) <= 0 ? x.hi : y.hi,
      };
      if (!empty(i)) out.push(i);
    }
  return union([out]);
}

/**
 * Both conditions. On a multikey index two conditions may hold on different elements (`skills:
 * 'a'` and `skills: 'b'`), so their bounds are not intersected: one of them is kept, as MongoDB does.
 */
function both(a: Bounds, b: Bounds, multikey: boolean): Bounds {
  if (a === null) return b;
  if (b === null) return a;
  return multikey ? a : intersect(a, b);
}

/** The bounds of one field's condition (`'Lyon'`, `{ $gte: 30, $lt: 40 }`, `{ $in: [...] }`). */
function conditionBounds(condition: unknown, multikey: boolean): Bounds {
  if (isScalar(condition)) return point(condition);
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return null;
  const entries = Object.entries(condition);
  if (entries.length === 0 || entries.some(([op]) => !op.startsWith('$'))) return null;
  let bounds: Bounds = null;
  for (const [op, v] of entries) {
    let b: Bounds = null;
    const bound = isScalar(v) && v !== null;
    if (op === '$eq' && isScalar(v)) b = point(v);
    else if (op === '$in' && Array.isArray(v) && v.every(isScalar)) b = union(v.map(point));
    else if ((op === '$gt' || op === '$gte') && bound)
      b = [{ lo: { value: v, inclusive: op === '$gte' }, hi: null }];
    else if ((op === '$lt' || op === '$lte') && bound)
      b = [{ lo: null, hi: { value: v, inclusive: op === '$lte' } }];
    else if (op === '$all' && Array.isArray(v) && v.length > 0 && isScalar(v[0])) b = point(v[0]);
    // On a multikey field `$ne` holds when no element is equal, which an element's bounds cannot say.
    else if (op === '$ne' && !multikey && isScalar(v))
      b =
        v === null
          ? [{ lo: { value: null, inclusive: false }, hi: null }]
          : [
              { lo: null, hi: { value: v, inclusive: false } },
              { lo: { value: v, inclusive: false }, hi: null },
            ];
    bounds = both(bounds, b, multikey);
  }
  return bounds;
}

/** The values of `field` that documents matching `filter` can hold, or null when it is not bounded. */
export function filterBounds(filter: Filter, field: string, multikey: boolean): Bounds {
  let bounds: Bounds = null;
  for (const [key, value] of Object.entries(filter)) {
    let b: Bounds = null;
    if (key === field) b = conditionBounds(value, multikey);
    else if (key === '$and' && Array.isArray(value)) {
      for (const part of value as Filter[]) b = both(b, filterBounds(part, field, multikey), multikey);
    } else if (key === '$or' && Array.isArray(value) && value.length > 0) {
      const parts = (value as Filter[]).map((part) => filterBounds(part, field, multikey));
      b = parts.some((p) => p === null) ? null : union(parts as Interval[][]);
    }
    bounds = both(bounds, b, multikey);
  }
  return bounds;
}

/** True when the bounds are one value (an equality on that field). */
export function isPoint(bounds: Bounds): boolean {
  const only = bounds?.length === 1 ? bounds[0] : undefined;
  return (
    only?.lo != null &&
    only.hi !== null &&
    only.lo.inclusive &&
    only.hi.inclusive &&
    compare(only.lo.value, only.hi.value) === 0
  );
}
