import { setImmediate as nextTurn } from 'node:timers/promises';
import { Aggregator, update as applyUpdate, Query } from 'mingo';
import { DuplicateKeyError } from '../../errors.js';
import type {
  DocumentCollection,
  Filter,
  FindOptions,
  IndexSpec,
  StoredDoc,
  Update,
} from '../ports/documents.js';
import { queryTimedOut } from '../query-timeout.js';
import type { JournalEntry } from './journal.js';

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

function fieldValue(doc: AnyObject, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as AnyObject)[part];
  }
  return value;
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
 */
export class MemoryCollection<T extends StoredDoc> implements DocumentCollection<T> {
  readonly docs = new Map<string, T>();
  private readonly unique = new Map<string, { spec: IndexSpec; keys: Map<string, string> }>();

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
    if (entry.op === 'put') this.docs.set(entry.doc._id, deepFreeze(entry.doc as T));
    else if (entry.op === 'del') this.docs.delete(entry.id);
    else this.docs.clear();
  }

  /**
   * Every match of a read, tested in slices of at most SLICE_MS with a turn of the event loop in
   * between: one 4,800-term filter held the loop 10-20 s, and /health with it. Documents replaced
   * meanwhile are seen as they were or as they are, as on a MongoDB cursor without a snapshot.
   */
  private async matching(filter: Filter): Promise<T[]> {
    const query = new Query<T>(filter as never, mingoOptions);
    const out: T[] = [];
    const started = performance.now();
    let slice = started;
    let tested = 0;
    for (const doc of this.candidates(filter)) {
      if (query.test(doc)) out.push(doc);
      tested += 1;
      if (tested % CHECK_EVERY !== 0) continue;
      const now = performance.now();
      if (now - started > this.maxTimeMs) throw queryTimedOut();
      if (now - slice >= SLICE_MS) {
        await nextTurn();
        slice = performance.now();
      }
    }
    return out;
  }

  /** A write's first match, found without yielding, so the write stays atomic. */
  private firstMatch(filter: Filter): T | undefined {
    const query = new Query<T>(filter as never, mingoOptions);
    for (const doc of this.candidates(filter)) if (query.test(doc)) return doc;
    return undefined;
  }

  /**
   * The documents a filter can match: by key when it names `_id` (a string or `$in` of strings,
   * as by-id reads and conditional updates do), else all of them. bench/growth.ts measured a
   * by-id read scanning the collection: 2.9x slower at 10x the documents.
   */
  private candidates(filter: Filter): Iterable<T> {
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
    return this.docs.values();
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let docs = await this.matching(filter);
    if (options.sort !== undefined && options.sort.length > 0) {
      const sort = Object.fromEntries(options.sort.map(([f, d]) => [f, d]));
      docs = new Query({}, mingoOptions).find<T>(docs).sort(sort).all();
    }
    const start = options.skip ?? 0;
    const end = options.limit === undefined ? undefined : start + options.limit;
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

  private uniqueKey(spec: IndexSpec, doc: AnyObject): string {
    return JSON.stringify(spec.keys.map(([field]) => fieldValue(doc, field) ?? null));
  }

  private checkUnique(doc: T): void {
    for (const { spec, keys } of this.unique.values()) {
      const owner = keys.get(this.uniqueKey(spec, doc));
      if (owner !== undefined && owner !== doc._id)
        throw new DuplicateKeyError(spec.keys[0]?.[0] ?? spec.name);
    }
  }

  private put(doc: T, previous: T | undefined): void {
    this.checkUnique(doc);
    for (const { spec, keys } of this.unique.values()) {
      if (previous !== undefined) keys.delete(this.uniqueKey(spec, previous));
      keys.set(this.uniqueKey(spec, doc), doc._id);
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

  async deleteOne(filter: Filter): Promise<boolean> {
    const doc = this.firstMatch(filter);
    if (doc === undefined) return false;
    for (const { spec, keys } of this.unique.values()) keys.delete(this.uniqueKey(spec, doc));
    this.docs.delete(doc._id);
    this.log({ c: this.name, op: 'del', id: doc._id });
    return true;
  }

  async aggregate<R>(pipeline: ReadonlyArray<Record<string, unknown>>): Promise<R[]> {
    const aggregator = new Aggregator([...pipeline], mingoOptions);
    return structuredClone(aggregator.run([...this.docs.values()]) as R[]);
  }

  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    for (const spec of indexes) {
      if (spec.unique !== true || this.unique.has(spec.name)) continue;
      const keys = new Map<string, string>();
      for (const doc of this.docs.values()) {
        const key = this.uniqueKey(spec, doc);
        if (keys.has(key)) throw new DuplicateKeyError(spec.keys[0]?.[0] ?? spec.name);
        keys.set(key, doc._id);
      }
      this.unique.set(spec.name, { spec, keys });
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
    for (const { keys } of this.unique.values()) keys.clear();
    this.log({ c: this.name, op: 'clear' });
  }

  /** Index count for stats: `_id` plus each ensured unique index. */
  get indexCount(): number {
    return 1 + this.unique.size;
  }
}
