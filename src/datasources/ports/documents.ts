/**
 * The document store port. It speaks plain records and string ids; driver types (ObjectId)
 * stop at the adapters.
 *
 * The document store speaks MongoDB's query, update and aggregation language on both
 * backends (the driver on MongoDB, mingo on the embedded store), so services write one
 * filter and one pipeline for both.
 */

/** A stored document: `_id` is a string on every backend. */
export interface StoredDoc {
  _id: string;
  [field: string]: unknown;
}

/** A MongoDB query filter (`{ age: { $gte: 18 } }`). Built only by services, never from client keys. */
export type Filter = Record<string, unknown>;

/** A MongoDB update document (`{ $set: {...}, $inc: {...} }`). */
export type Update = Record<string, unknown>;

/** A sort specification: field paths with 1 (ascending) or -1 (descending), applied in order. */
export type Sort = ReadonlyArray<readonly [field: string, direction: 1 | -1]>;

export interface FindOptions extends ReadOptions {
  sort?: Sort;
  limit?: number;
  skip?: number;
}

export interface ReadOptions {
  /**
   * A list read, which may see a little behind the latest writes: it follows
   * MONGODB_READ_PREFERENCE. Other reads go to the primary.
   */
  list?: boolean;
}

/** An index to ensure at start. `unique` indexes make writes fail with DuplicateKeyError. */
export interface IndexSpec {
  name: string;
  keys: ReadonlyArray<readonly [field: string, direction: 1 | -1]>;
  unique?: boolean;
}

/** One collection. Every query carries the store's time limit (maxTimeMS on MongoDB). */
export interface DocumentCollection<T extends StoredDoc> {
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  findOne(filter: Filter): Promise<T | null>;
  count(filter: Filter, options?: ReadOptions): Promise<number>;
  /** Inserts one document; throws DuplicateKeyError when a unique index refuses it. */
  insertOne(doc: T): Promise<void>;
  /**
   * Applies `update` to the first document matching `filter` and returns it as it is after the
   * update, or null when none matched. Atomic per document on every backend.
   * With `upsert`, a missing document is created from the filter's equality fields.
   */
  findOneAndUpdate(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<T | null>;
  /**
   * Applies `update` to every document matching `filter`; returns how many matched. Atomic per
   * document, not across them.
   */
  updateMany(filter: Filter, update: Update): Promise<number>;
  /** Deletes the first document matching `filter`; true when one was deleted. */
  deleteOne(filter: Filter): Promise<boolean>;
  aggregate<R>(pipeline: ReadonlyArray<Record<string, unknown>>): Promise<R[]>;
  ensureIndexes(indexes: readonly IndexSpec[]): Promise<void>;
  /** Removes every document (tests, restore with --drop). */
  clear(): Promise<void>;
  /**
   * Every document in `_id` order, read in batches of `batchSize` (each a bounded query), so a
   * backup's memory stays flat whatever the collection's size.
   */
  scan(batchSize?: number): AsyncIterable<T>;
  /** Inserts many documents in one round trip; a duplicate throws DuplicateKeyError. */
  insertMany(docs: readonly T[]): Promise<void>;
}

export interface StoreStats {
  collections: number;
  objects: number;
  dataSizeBytes: number;
  indexes: number;
}

export interface DocumentStore {
  readonly kind: 'mongodb' | 'embedded';
  collection<T extends StoredDoc>(name: string): DocumentCollection<T>;
  stats(): Promise<StoreStats>;
  /** Resolves when the store answers; throws otherwise. */
  ping(): Promise<void>;
  /** The names of the collections that hold documents, sorted. */
  collectionNames(): Promise<string[]>;
  close(): Promise<void>;
}
