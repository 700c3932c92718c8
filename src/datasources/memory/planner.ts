import type { Query } from 'mingo';
import { compare } from 'mingo/util';
import type { Filter, Sort, StoredDoc } from '../ports/documents.js';
import { filterBounds, type Interval, isPoint } from './bounds.js';
import { type IndexKey, pathValues } from './index-key.js';
import type { SecondaryIndex } from './secondary-index.js';

/**
 * How the embedded store answers a read, as MongoDB's planner does: each index that bounds the
 * filter, or walks in the sort's order, makes a candidate plan; the plans run side by side, one
 * index key at a time, and the first to finish answers (MongoDB races its plans the same way), so
 * a read costs at most the number of plans times its cheapest plan. A plan is a generator that
 * yields once per key or document it reads and returns its documents.
 */
export interface Read {
  filter: Filter;
  query: Query;
  sort: Sort | undefined;
  /** Documents wanted (skip + limit), or undefined for every match. */
  limit: number | undefined;
}

export interface Answer<T> {
  docs: T[];
  /** True when `docs` are already in the read's sort order. */
  sorted: boolean;
}

export type Plan<T> = Generator<undefined, Answer<T>>;

const everything: Interval = { lo: null, hi: null };

/** The ranges of an index a read can limit itself to, and which field they walk in order. */
function rangesOf(index: SecondaryIndex, filter: Filter) {
  const first = filterBounds(filter, index.fields[0] as string, index.multikey);
  const second = index.fields[1];
  if (second !== undefined && first !== null && isPoint(first)) {
    const at = first[0]?.lo?.value;
    const intervals = filterBounds(filter, second, index.multikey) ?? [everything];
    return { position: 1, bounded: true, ranges: intervals.map((i) => index.range([at], 1, i)) };
  }
  const intervals = first ?? [everything];
  return { position: 0, bounded: first !== null, ranges: intervals.map((i) => index.range([], 0, i)) };
}

/** Reads the documents of an index's ranges, tests them, and leaves the sort to the caller. */
function* rangePlan<T extends StoredDoc>(
  index: SecondaryIndex,
  ranges: ReadonlyArray<readonly [IndexKey, IndexKey]>,
  docs: ReadonlyMap<string, T>,
  read: Read,
): Plan<T> {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const [from, to] of ranges)
    for (const key of index.walk(from, to, false)) {
      yield;
      const id = key.at(-1) as string;
      if (index.multikey) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const doc = docs.get(id);
      if (doc !== undefined && read.query.test(doc)) out.push(doc);
    }
  return { docs: out, sorted: false };
}

function sortOrder(sort: Sort): (a: StoredDoc, b: StoredDoc) => number {
  return (a, b) => {
    for (const [field, direction] of sort) {
      const order = compare(pathValues(a, field).values[0], pathValues(b, field).values[0]) * direction;
      if (order !== 0) return order;
    }
    return 0;
  };
}

/**
 * Walks an index in the order of the sort's first key and stops at the limit. When the index's
 * order is the sort's whole order the walk is the answer; else the documents that tie on the first
 * key are sorted among themselves (a sort by last name then first name walks the last names).
 */
function* orderedPlan<T extends StoredDoc>(
  index: SecondaryIndex,
  position: number,
  ranges: ReadonlyArray<readonly [IndexKey, IndexKey]>,
  docs: ReadonlyMap<string, T>,
  read: Read & { sort: Sort; limit: number },
): Plan<T> {
  const direction = read.sort[0]?.[1] ?? 1;
  const reverse = direction * (index.directions[position] ?? 1) === -1;
  const walked: Array<[string, number]> = [];
  for (let i = position; i < index.fields.length; i++) {
    walked.push([index.fields[i] as string, (index.directions[i] ?? 1) * (reverse ? -1 : 1)]);
    if (index.fields[i] === '_id') break;
  }
  if (!walked.some(([f]) => f === '_id')) walked.push(['_id', reverse ? -1 : 1]);
  const exact = read.sort.every(([f, d], i) => walked[i]?.[0] === f && walked[i]?.[1] === d);
  const byGroup = sortOrder(read.sort);
  const out: T[] = [];
  let group: T[] = [];
  let groupKey: unknown;
  const flush = () => {
    out.push(...group.sort(byGroup));
    group = [];
  };
  for (const [from, to] of reverse ? [...ranges].reverse() : ranges)
    for (const key of index.walk(from, to, reverse)) {
      yield;
      if (!exact && group.length > 0 && compare(key[position], groupKey) !== 0) {
        flush();
        if (out.length >= read.limit) return { docs: out, sorted: true };
      }
      const doc = docs.get(key.at(-1) as string);
      if (doc === undefined || !read.query.test(doc)) continue;
      if (exact) {
        out.push(doc);
        if (out.length >= read.limit) return { docs: out, sorted: true };
      } else {
        group.push(doc);
        groupKey = key[position];
      }
    }
  flush();
  return { docs: out, sorted: true };
}

/** Every document, tested: the plan of a filter that no index bounds. */
function* scanPlan<T extends StoredDoc>(docs: ReadonlyMap<string, T>, read: Read): Plan<T> {
  const out: T[] = [];
  for (const doc of docs.values()) {
    yield;
    if (read.query.test(doc)) out.push(doc);
  }
  return { docs: out, sorted: false };
}

/** The candidate plans of a read: at least one (the scan, when no index helps). */
export function plansFor<T extends StoredDoc>(
  indexes: Iterable<SecondaryIndex>,
  docs: ReadonlyMap<string, T>,
  read: Read,
): Array<Plan<T>> {
  const plans: Array<Plan<T>> = [];
  const first = read.sort?.[0]?.[0];
  for (const index of indexes) {
    const { position, bounded, ranges } = rangesOf(index, read.filter);
    if (bounded) plans.push(rangePlan(index, ranges, docs, read));
    const { sort, limit } = read;
    if (sort !== undefined && limit !== undefined && !index.multikey && index.fields[position] === first)
      plans.push(orderedPlan(index, position, ranges, docs, { ...read, sort, limit }));
  }
  if (plans.length === 0) plans.push(scanPlan(docs, read));
  return plans;
}

/** Advances every plan one step at a time; the first to finish answers. `step` runs between rounds. */
export function* race<T>(plans: ReadonlyArray<Plan<T>>): Generator<undefined, Answer<T>> {
  for (;;) {
    for (const plan of plans) {
      const next = plan.next();
      if (next.done === true) {
        for (const other of plans) if (other !== plan) other.return({ docs: [], sorted: false });
        return next.value;
      }
    }
    yield;
  }
}
