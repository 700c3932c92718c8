import { setImmediate as nextTurn } from 'node:timers/promises';
import { Aggregator, update as applyUpdate, Query } from 'mingo';
import { DuplicateKeyError } from '../../errors.js';
import type {
  DocumentCollection,
  Filter,
  FindOptions,
  IndexSpec,
  Sort,
  StoredDoc,
  Update,
} from '../ports/documents.js';
import { queryTimedOut } from '../query-timeout.js';
import type { JournalEntry } from './journal.js';
import { type Answer, type Plan, plansFor, race } from './planner.js';
import { SecondaryIndex } from './secondary-index.js';

type AnyObject = Record<string, unknown>;

const mingoOptions = { idKey: '_id' } as const;

/** Documents tested between two looks at the clock. */
const CHECK_EVERY = 128;
/** The longest a read holds the event loop before other requests (`/health` among them) get a turn. */
const SLICE_MS = 10;

/**
 * Freezes a stored document and everything in it: reads hand out the stored object itself (no
 * copy per read; bench/read-path.ts measured structuredClone as a large part of a list read),
 * so a caller that tried to change one would change the store. Frozen, such a write throws
 * (ESM is strict mode) instead; writes build a new document (copy-on-write) and replace it.
 * Dates and binary values are left as they are (freezing cannot hold them); no caller changes one.
 */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  // A typed array cannot be frozen (TypeError); a Date's time is not a property.
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/** The equality fields of a filter, which an upsert copies into the new document (as MongoDB does). */
function equalityFields(filter: Filter): AnyObject {
  const doc: AnyObject = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key.startsWith('$') || key.includes('.')) continue;
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) continue;
    doc[key] = value;
  }
  return doc;
}

/**
 * An in-memory collection with MongoDB semantics from mingo. Writes are synchronous in memory,
 * so each one is atomic with respect to every other request, as a single-document write is on MongoDB.
 * The declared indexes (`ensureIndexes`) are kept as B+ trees and used as MongoDB uses them: see
 * planner.ts.
 */
export class MemoryCollection<T extends StoredDoc> implements DocumentCollection<T> {
  readonly docs = new Map<string, T>();
  private readonly indexes = new Map<string, SecondaryIndex>();

  /**
   * @param maxTimeMs a read's time budget (QUERY_TIMEOUT_MS), checked between slices as MongoDB
   * checks maxTimeMS between yields; past it the read fails with SERVICE_UNAVAILABLE.
   */
  constructor(
    readonly name: string,
    private readonly log: (entry: JournalEntry) => void,
    private readonly maxTimeMs: number,
  ) {}

  /** Replays a journal entry without logging it again. */
  apply(entry: JournalEntry): void {
    if (entry.op === 'put') {
      const previous = this.docs.get(entry.doc._id);
      for (const index of this.indexes.values()) {
        if (previous !== undefined) index.remove(previous);
        index.add(entry.doc);
      }
      this.docs.set(entry.doc._id, deepFreeze(entry.doc as T));
    } else if (entry.op === 'del') {
      const previous = this.docs.get(entry.id);
      if (previous !== undefined) for (const index of this.indexes.values()) index.remove(previous);
      this.docs.delete(entry.id);
    } else {
      this.docs.clear();
      for (const index of this.indexes.values()) index.clear();
    }
  }

  /** The documents named by an `_id` equality or `$in` of strings (by-id reads, conditional updates). */
  private byId(filter: Filter): T[] | null {
    const id: unknown = filter._id;
    if (typeof id === 'string') {
      const doc = this.docs.get(id);
      return doc === undefined ? [] : [doc];
    }
    if (id !== null && typeof id === 'object' && Object.keys(id).length === 1 && '$in' in id) {
      const ids: unknown = id.$in;
      if (Array.isArray(ids) && ids.every((v) => typeof v === 'string'))
        return [...new Set(ids)].flatMap((key) => this.docs.get(key) ?? []);
    }
    return null;
  }

  /** The plans of a read (planner.ts), or the documents themselves when the filter names ids. */
  private plan(filter: Filter, sort: Sort | undefined, limit: number | undefined) {
    const query = new Query<T>(filter as never, mingoOptions);
    const named = this.byId(filter);
    const read = { filter, query, sort, limit };
    const plans =
      named === null
        ? plansFor(this.indexes.values(), this.docs, read)
        : [plansFor([], new Map(named.map((d) => [d._id, d])), read)[0] as Plan<T>];
    return race(plans);
  }

  /**
   * Runs a read's plans in slices of at most SLICE_MS with a turn of the event loop in between:
   * one 4,800-term filter held the loop 10-20 s, and /health with it. Documents replaced
   * meanwhile are seen as they were or as they are, as on a MongoDB cursor without a snapshot.
   */
  private async matching(filter: Filter, sort?: Sort, limit?: number): Promise<T[]> {
    const plan = this.plan(filter, sort, limit);
    const started = performance.now();
    let slice = started;
    let steps = 0;
    for (let next = plan.next(); ; next = plan.next()) {
      if (next.done === true) return this.ordered(next.value, sort);
      steps += 1;
      if (steps % CHECK_EVERY !== 0) continue;
      const now = performance.now();
      if (now - started > this.maxTimeMs) throw queryTimedOut();
      if (now - slice >= SLICE_MS) {
        await nextTurn();
        slice = performance.now();
      }
    }
  }

  private ordered(answer: Answer<T>, sort: Sort | undefined): T[] {
    if (answer.sorted || sort === undefined || sort.length === 0) return answer.docs;
    const spec = Object.fromEntries(sort.map(([f, d]) => [f, d]));
    return new Query({}, mingoOptions).find<T>(answer.docs).sort(spec).all();
  }

  /** A write's first match, found without yielding, so the write stays atomic. */
  private firstMatch(filter: Filter): T | undefined {
    const plan = this.plan(filter, undefined, 1);
    for (let next = plan.next(); ; next = plan.next()) if (next.done === true) return next.value.docs[0];
  }

  /** A write's matches, found without yielding, so the write stays atomic. */
  private allMatches(filter: Filter): T[] {
    const plan = this.plan(filter, undefined, undefined);
    for (let next = plan.next(); ; next = plan.next()) if (next.done === true) return next.value.docs;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const start = options.skip ?? 0;
    const end = options.limit === undefined ? undefined : start + options.limit;
    const sort = options.sort !== undefined && options.sort.length > 0 ? options.sort : undefined;
    const docs = await this.matching(filter, sort, end);
    // The stored documents themselves: frozen, and replaced, never changed, by writes.
    return docs.slice(start, end);
  }

  async findOne(filter: Filter): Promise<T | null> {
    const [doc] = await this.find(filter, { limit: 1 });
    return doc ?? null;
  }

  async count(filter: Filter): Promise<number> {
    return (await this.matching(filter)).length;
  }

  private put(doc: T, previous: T | undefined): void {
    for (const index of this.indexes.values())
      if (index.unique && index.conflicts(doc))
        throw new DuplicateKeyError(index.fields[0] ?? index.spec.name);
    for (const index of this.indexes.values()) {
      if (previous !== undefined) index.remove(previous);
      index.add(doc);
    }
    this.docs.set(doc._id, deepFreeze(doc));
    this.log({ c: this.name, op: 'put', doc });
  }

  async insertOne(doc: T): Promise<void> {
    if (this.docs.has(doc._id)) throw new DuplicateKeyError('_id');
    this.put(structuredClone(doc), undefined);
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean } = {},
  ): Promise<T | null> {
    const current = this.firstMatch(filter);
    if (current === undefined && options.upsert !== true) return null;
    const next = structuredClone(current ?? (equalityFields(filter) as T));
    applyUpdate(next, update as never, undefined, undefined, { cloneMode: 'deep' });
    if (typeof next._id !== 'string')
      throw new Error(`upsert into ${this.name} needs a string _id in its filter`);
    this.put(next, current);
    return next;
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    // Matched first, without yielding (the writes stay atomic), then written: each write
    // replaces the document the loop would look at next.
    const matched = this.allMatches(filter);
    for (const current of matched) {
      const next = structuredClone(current);
      applyUpdate(next, update as never, undefined, undefined, { cloneMode: 'deep' });
      this.put(next, current);
    }
    return matched.length;
  }

  async deleteOne(filter: Filter): Promise<boolean> {
    const doc = this.firstMatch(filter);
    if (doc === undefined) return false;
    for (const index of this.indexes.values()) index.remove(doc);
    this.docs.delete(doc._id);
    this.log({ c: this.name, op: 'del', id: doc._id });
    return true;
  }

  async aggregate<R>(pipeline: ReadonlyArray<Record<string, unknown>>): Promise<R[]> {
    const aggregator = new Aggregator([...pipeline], mingoOptions);
    return structuredClone(aggregator.run([...this.docs.values()]) as R[]);
  }

  /** Builds each declared index not built yet; a unique one over duplicates throws DuplicateKeyError. */
  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    for (const spec of indexes) {
      if (this.indexes.has(spec.name)) continue;
      const index = new SecondaryIndex(spec);
      for (const doc of this.docs.values()) {
        if (index.unique && index.conflicts(doc)) throw new DuplicateKeyError(index.fields[0] ?? spec.name);
        index.add(doc);
      }
      this.indexes.set(spec.name, index);
    }
  }

  async *scan(batchSize = 1000): AsyncIterable<T> {
    const ids = [...this.docs.keys()].sort();
    for (let i = 0; i < ids.length; i += batchSize) {
      for (const id of ids.slice(i, i + batchSize)) {
        const doc = this.docs.get(id);
        if (doc !== undefined) yield doc;
      }
      // Lets other requests run between batches, as a cursor's round trips would.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async insertMany(docs: readonly T[]): Promise<void> {
    for (const doc of docs) await this.insertOne(doc);
  }

  async clear(): Promise<void> {
    this.docs.clear();
    for (const index of this.indexes.values()) index.clear();
    this.log({ c: this.name, op: 'clear' });
  }

  /** Index count for stats: `_id` plus each ensured index. */
  get indexCount(): number {
    return 1 + this.indexes.size;
  }
}
