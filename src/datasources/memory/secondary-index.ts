import sortedBTree from 'sorted-btree';
import type { IndexSpec, StoredDoc } from '../ports/documents.js';
import type { Interval } from './bounds.js';
import { type IndexKey, keyComparator, MAX_KEY, MIN_KEY, pathValues } from './index-key.js';

// sorted-btree is CommonJS with its class on `exports.default`: Node hands the exports object as the
// default import, Vite's interop hands `exports.default`.
const BTree: typeof sortedBTree.default =
  (sortedBTree as { default?: typeof sortedBTree.default }).default ??
  (sortedBTree as unknown as typeof sortedBTree.default);
type Tree = InstanceType<typeof BTree<IndexKey, undefined>>;

/** Keys read from the tree at once: a walk never holds a tree iterator across a turn of the event loop. */
const BATCH = 256;

/**
 * One declared index of the embedded store: a B+ tree (sorted-btree, a well-kept library, rather
 * than an ordered structure of our own) of `[value of each field..., _id]` keys, one per document,
 * or one per array element for a multikey field, as MongoDB keeps its indexes.
 */
export class SecondaryIndex {
  readonly fields: readonly string[];
  /** Per key part: the declared directions, then `_id` ascending. */
  readonly directions: ReadonlyArray<1 | -1>;
  readonly compare: (a: IndexKey, b: IndexKey) => number;
  /** Set once a document holds an array at an indexed path; its keys then are not in document order. */
  multikey = false;
  private readonly tree: Tree;
  private readonly ownId: boolean;

  constructor(readonly spec: IndexSpec) {
    this.fields = spec.keys.map(([field]) => field);
    // The `_id` ends every key; an index declared with it last (a sort's tie-break) has it already.
    this.ownId = this.fields.at(-1) === '_id';
    this.directions = [...spec.keys.map(([, direction]) => direction), ...(this.ownId ? [] : [1 as const])];
    this.compare = keyComparator(this.directions);
    this.tree = new BTree<IndexKey, undefined>(undefined, this.compare);
  }

  get unique(): boolean {
    return this.spec.unique === true;
  }

  get size(): number {
    return this.tree.size;
  }

  /**
   * Every key of a document: the product of each field's values, each ending with the `_id`. Each
   * key is allocated at its exact length: a spread array took 208 bytes, this one 72.
   */
  private keysOf(doc: StoredDoc): IndexKey[] {
    const perField = (this.ownId ? this.fields.slice(0, -1) : this.fields).map((field) => {
      const { values, array } = pathValues(doc, field);
      if (array) this.multikey = true;
      return values;
    });
    const total = perField.reduce((n, values) => n * values.length, 1);
    const keys: IndexKey[] = [];
    for (let combination = 0; combination < total; combination++) {
      const key = new Array<unknown>(perField.length + 1);
      let rest = combination;
      for (let i = perField.length - 1; i >= 0; i--) {
        const values = perField[i] as unknown[];
        key[i] = values[rest % values.length];
        rest = Math.floor(rest / values.length);
      }
      key[perField.length] = doc._id;
      keys.push(key);
    }
    return keys;
  }

  add(doc: StoredDoc): void {
    for (const key of this.keysOf(doc)) this.tree.set(key, undefined);
  }

  remove(doc: StoredDoc): void {
    for (const key of this.keysOf(doc)) this.tree.delete(key);
  }

  clear(): void {
    this.tree.clear();
    this.multikey = false;
  }

  /** True when another document holds one of `doc`'s keys (a unique index refuses it). */
  conflicts(doc: StoredDoc): boolean {
    for (const key of this.keysOf(doc)) {
      const values = key.slice(0, -1);
      for (const [other] of this.tree.entries([...values, MIN_KEY])) {
        if (this.compare(other, [...values, MAX_KEY]) > 0) break;
        if (other.at(-1) !== doc._id) return true;
      }
    }
    return false;
  }

  /**
   * The key range of an interval of the field at `position`, after `prefix` (the values of the
   * fields before it), in index order: a descending field swaps the interval's ends.
   */
  range(prefix: readonly unknown[], position: number, interval: Interval): [IndexKey, IndexKey] {
    const rest = this.directions.length - prefix.length - 1;
    const key = (value: unknown, end: symbol): IndexKey => [...prefix, value, ...Array(rest).fill(end)];
    const ascending = this.directions[position] === 1;
    const first = ascending ? interval.lo : interval.hi;
    const last = ascending ? interval.hi : interval.lo;
    return [
      first === null ? key(MIN_KEY, MIN_KEY) : key(first.value, first.inclusive ? MIN_KEY : MAX_KEY),
      last === null ? key(MAX_KEY, MAX_KEY) : key(last.value, last.inclusive ? MAX_KEY : MIN_KEY),
    ];
  }

  /**
   * The keys from `from` to `to` (both in index order), backwards when `reverse`. Read in batches,
   * each from a fresh iterator, so writes between two batches cannot break the walk.
   */
  *walk(from: IndexKey, to: IndexKey, reverse: boolean): Generator<IndexKey> {
    let start = reverse ? to : from;
    let skipStart = false;
    for (;;) {
      const batch: IndexKey[] = [];
      let finished = true;
      const entries = reverse
        ? this.tree.entriesReversed(start, undefined, skipStart)
        : this.tree.entries(start);
      for (const [key] of entries) {
        if (!reverse && skipStart && this.compare(key, start) === 0) continue;
        if (reverse ? this.compare(key, from) < 0 : this.compare(key, to) > 0) break;
        batch.push(key);
        if (batch.length === BATCH) {
          finished = false;
          break;
        }
      }
      yield* batch;
      const last = batch.at(-1);
      if (finished || last === undefined) return;
      start = last;
      skipStart = true;
    }
  }
}
