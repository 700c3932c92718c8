import type { Tracer } from '@opentelemetry/api';
import {
  type Collection,
  type Db,
  type Document,
  MongoClient,
  type MongoClientOptions,
  ReadPreference,
  type ReadPreferenceMode,
} from 'mongodb';
import type {
  DocumentCollection,
  DocumentStore,
  Filter,
  FindOptions,
  IndexSpec,
  ReadOptions,
  StoredDoc,
  StoreStats,
  Update,
} from '../ports/documents.js';
import { rethrow } from './errors.js';
import { traceMongoCommands } from './tracing.js';

/** Server time a whole scan (a backup of one collection) may take. */
const SCAN_TIME_LIMIT_MS = 60 * 60 * 1000;

/** Documents per reply of a `find` without a limit. */
const FIND_BATCH = 1000;

/**
 * `{ _id: { $in: [id] } }` as `{ _id: id }`: the same index lookup on MongoDB, but FerretDB
 * pushes only the equality down to its store and scans the collection for `$in`
 * (bench/growth.ts: a by-id read took 534 ms at 5,000 customers, 5.3x its time at 1,000).
 */
function byKey(filter: Filter): Filter {
  const id: unknown = filter._id;
  if (id === null || typeof id !== 'object' || Object.keys(id).length !== 1 || !('$in' in id)) return filter;
  const ids: unknown = id.$in;
  return Array.isArray(ids) && ids.length === 1 ? { ...filter, _id: ids[0] } : filter;
}

/**
 * The client's options beyond the URL's. Writes wait for a majority of the replica set (`w:
 * 'majority'`: an acknowledged order, stock change, account or sequence number survives the loss
 * of the primary) unless the URL sets `w` itself; writes and reads are retried once across a
 * failover (the driver's retryable writes, on by default, said here so it stays so). Every read
 * goes to the primary, whatever the URL says, so a caller always reads its own writes; list
 * reads alone follow MONGODB_READ_PREFERENCE (see ReadOptions). On a standalone server (and
 * the DocumentDB test server) w: 'majority' is one server's acknowledgement.
 */
export function mongoClientOptions(url: string): MongoClientOptions {
  const urlSetsW = /[?&]w=/.test(url);
  return {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    ignoreUndefined: true,
    retryWrites: true,
    retryReads: true,
    readPreference: ReadPreference.PRIMARY,
    ...(urlSetsW ? {} : { writeConcern: { w: 'majority' } }),
  };
}

class MongoCollection<T extends StoredDoc> implements DocumentCollection<T> {
  constructor(
    private readonly collection: Collection<StoredDoc>,
    private readonly maxTimeMS: number,
    private readonly listReadPreference: ReadPreferenceMode,
  ) {}

  /** The read preference of a read: the primary's, or MONGODB_READ_PREFERENCE for a list. */
  #from(options: ReadOptions): { readPreference: ReadPreferenceMode } {
    return { readPreference: options.list === true ? this.listReadPreference : ReadPreference.PRIMARY };
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = this.collection.find(byKey(filter), {
      ...this.#from(options),
      maxTimeMS: this.maxTimeMS,
      // A page or a loader batch in one reply: past the driver's first batch (101 documents)
      // each request paid a getMore (bench/n-plus-one.ts: 5 commands at 50 orders, 4 at 20).
      batchSize: options.limit ?? FIND_BATCH,
    });
    if (options.sort !== undefined && options.sort.length > 0) cursor = cursor.sort(options.sort);
    if (options.skip !== undefined) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    return (await cursor.toArray().catch(rethrow)) as T[];
  }

  async findOne(filter: Filter): Promise<T | null> {
    return (await this.collection.findOne(filter, { maxTimeMS: this.maxTimeMS }).catch(rethrow)) as T | null;
  }

  async count(filter: Filter, options: ReadOptions = {}): Promise<number> {
    return this.collection
      .countDocuments(filter, { ...this.#from(options), maxTimeMS: this.maxTimeMS })
      .catch(rethrow);
  }

  async insertOne(doc: T): Promise<void> {
    await this.collection.insertOne(doc).catch(rethrow);
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean } = {},
  ): Promise<T | null> {
    const result = await this.collection
      .findOneAndUpdate(filter, update, {
        returnDocument: 'after',
        upsert: options.upsert === true,
        maxTimeMS: this.maxTimeMS,
      })
      .catch(rethrow);
    return result as T | null;
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    const result = await this.collection.updateMany(byKey(filter), update).catch(rethrow);
    return result.matchedCount;
  }

  async deleteOne(filter: Filter): Promise<boolean> {
    const result = await this.collection.deleteOne(filter).catch(rethrow);
    return result.deletedCount === 1;
  }

  async aggregate<R>(pipeline: ReadonlyArray<Record<string, unknown>>): Promise<R[]> {
    const cursor = this.collection.aggregate<Document>([...pipeline], { maxTimeMS: this.maxTimeMS });
    return (await cursor.toArray().catch(rethrow)) as R[];
  }

  /** One `createIndexes` for the collection's declared list: a no-op for indexes already there. */
  async ensureIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    if (indexes.length === 0) return;
    await this.collection
      .createIndexes(
        indexes.map((spec) => ({
          name: spec.name,
          key: Object.fromEntries(spec.keys.map(([f, d]) => [f, d])),
          ...(spec.unique === true ? { unique: true } : {}),
        })),
      )
      .catch(rethrow);
  }

  /**
   * One cursor in `_id` order, fetched `batchSize` at a time: linear on any server (a keyset
   * query per batch is quadratic on servers that cannot seek on `_id`, FerretDB's SQLite backend
   * among them). Its time limit is a backup's, not a request's.
   */
  async *scan(batchSize = 1000): AsyncIterable<T> {
    const cursor = this.collection.find({}, { sort: { _id: 1 }, batchSize, maxTimeMS: SCAN_TIME_LIMIT_MS });
    try {
      for await (const doc of cursor) yield doc as T;
    } catch (error) {
      rethrow(error);
    } finally {
      await cursor.close();
    }
  }

  async insertMany(docs: readonly T[]): Promise<void> {
    if (docs.length === 0) return;
    await this.collection.insertMany([...docs], { ordered: true }).catch(rethrow);
  }

  async clear(): Promise<void> {
    await this.collection.deleteMany({}).catch(rethrow);
  }
}

/** The MongoDB document store, through the official driver. */
export class MongoDocumentStore implements DocumentStore {
  readonly kind = 'mongodb';

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly maxTimeMS: number,
    private readonly listReadPreference: ReadPreferenceMode,
  ) {}

  static async connect(
    url: string,
    dbName: string,
    options: {
      maxTimeMS: number;
      listReadPreference?: ReadPreferenceMode;
      client?: MongoClient;
      /** Spans for every command (see tracing.ts); without one, commands are not monitored. */
      tracer?: Tracer;
    },
  ): Promise<MongoDocumentStore> {
    const { tracer } = options;
    const client =
      options.client ??
      new MongoClient(url, {
        ...mongoClientOptions(url),
        ...(tracer === undefined ? {} : { monitorCommands: true }),
      });
    if (tracer !== undefined) traceMongoCommands(client, tracer);
    await client.connect();
    return new MongoDocumentStore(
      client,
      client.db(dbName),
      options.maxTimeMS,
      options.listReadPreference ?? ReadPreference.PRIMARY,
    );
  }

  collection<T extends StoredDoc>(name: string): DocumentCollection<T> {
    return new MongoCollection<T>(
      this.db.collection<StoredDoc>(name),
      this.maxTimeMS,
      this.listReadPreference,
    );
  }

  async stats(): Promise<StoreStats> {
    const stats = await this.db.command({ dbStats: 1 }).catch(rethrow);
    const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
    // dbStats' `objects` is an estimate on some servers (DocumentDB sums PostgreSQL's reltuples,
    // 0 until the table is analysed): count each collection instead; serverStats is ADMIN-only.
    const names = await this.collectionNames();
    const counts = await Promise.all(
      names.map((name) =>
        this.db.collection(name).countDocuments({}, { maxTimeMS: this.maxTimeMS }).catch(rethrow),
      ),
    );
    return {
      collections: num(stats.collections),
      objects: counts.reduce((sum, n) => sum + n, 0),
      dataSizeBytes: num(stats.dataSize),
      indexes: num(stats.indexes),
    };
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 }).catch(rethrow);
  }

  async collectionNames(): Promise<string[]> {
    const collections = await this.db.listCollections({}, { nameOnly: true }).toArray().catch(rethrow);
    return collections
      .map((c) => c.name)
      .filter((name) => !name.startsWith('system.'))
      .sort();
  }

  /** Drops the whole database (tests). */
  async dropDatabase(): Promise<void> {
    await this.db.dropDatabase();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
