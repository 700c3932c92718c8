import { EJSON } from 'bson';
import { z } from 'zod';
import type { DocumentCollection, Filter, Sort, StoredDoc } from '../datasources/ports/documents.js';
import { BadInputError } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    endCursor: string | null;
    startCursor: string | null;
  };
  /** Counted only when a client asks for it. */
  totalCount: () => Promise<number>;
}

export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
}

const cursorShape = z.object({ s: z.string(), v: z.array(z.unknown()) });

function fieldValue(doc: StoredDoc, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string, unknown>)[part];
  }
  return value ?? null;
}

function signature(sort: Sort): string {
  return sort.map(([f, d]) => `${f}:${d}`).join(',');
}

/** A cursor from the sort keys' values, in sort order. */
export function encodeCursor(sort: Sort, values: readonly unknown[]): string {
  const payload = { s: signature(sort), v: values };
  return Buffer.from(EJSON.stringify(payload, { relaxed: false })).toString('base64url');
}

/** Decodes a cursor made for this exact order; anything else (forged, foreign, garbled) is BAD_USER_INPUT. */
function decodeCursor(sort: Sort, cursor: string): unknown[] {
  const invalid = () => new BadInputError('after: not a cursor from this list and order', 'after');
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = EJSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'), { relaxed: true });
  } catch {
    throw invalid();
  }
  const result = cursorShape.safeParse(parsed);
  if (!result.success || result.data.s !== signature(sort) || result.data.v.length !== sort.length)
    throw invalid();
  // NaN, Infinity and invalid dates are never sort values the server wrote; FerretDB dropped
  // other clients' connections on a NaN in a query, so they stop here.
  for (const value of result.data.v) {
    const ok =
      value === null ||
      typeof value === 'string' ||
      (typeof value === 'number' && Number.isFinite(value)) ||
      (value instanceof Date && Number.isFinite(value.getTime()));
    if (!ok) throw invalid();
  }
  return result.data.v;
}

/** Documents strictly after `value` on one sort key, with MongoDB's order (null and missing sort first). */
function after(field: string, direction: 1 | -1, value: unknown): Filter | null {
  if (direction === 1) return value === null ? { [field]: { $ne: null } } : { [field]: { $gt: value } };
  if (value === null) return null;
  return { $or: [{ [field]: { $lt: value } }, { [field]: null }] };
}

/**
 * The keyset condition for "after this cursor": for each key i, equal on keys before i and
 * strictly after on key i. The sort ends with `_id`, so the order is total and pages never
 * skip or repeat, even while documents are added.
 */
function keyset(sort: Sort, values: unknown[]): Filter {
  const branches: Filter[] = [];
  for (let i = 0; i < sort.length; i++) {
    const [field, direction] = sort[i] as readonly [string, 1 | -1];
    const strict = after(field, direction, values[i] ?? null);
    if (strict === null) continue;
    const equal = sort.slice(0, i).map(([f], j) => ({ [f]: values[j] ?? null }));
    branches.push(equal.length === 0 ? strict : { $and: [...equal, strict] });
  }
  return branches.length === 0 ? { _id: { $exists: false } } : { $or: branches };
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new BadInputError(`first: must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return size;
}

/** One page of a Relay connection over `collection`, in `sort` order (which must end with `_id`). */
export async function paginate<T extends StoredDoc, N>(
  collection: DocumentCollection<T>,
  filter: Filter,
  sort: Sort,
  args: PageArgs,
  toNode: (doc: T) => N,
): Promise<Page<N>> {
  const first = pageSize(args.first);
  const conditions = [filter];
  if (args.after !== undefined && args.after !== null)
    conditions.push(keyset(sort, decodeCursor(sort, args.after)));
  const pageFilter = conditions.length === 1 ? filter : { $and: conditions };
  const docs = first === 0 ? [] : await collection.find(pageFilter, { sort, limit: first + 1, list: true });
  const hasNextPage = docs.length > first;
  const edges = docs.slice(0, first).map((doc) => ({
    cursor: encodeCursor(
      sort,
      sort.map(([f]) => fieldValue(doc, f)),
    ),
    node: toNode(doc),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: args.after !== undefined && args.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: () => collection.count(filter, { list: true }),
  };
}
