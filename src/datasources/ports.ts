/**
 * The ports every backend implements. They speak plain records and string ids;
 * driver types (ObjectId, Redis replies) stop at the adapters.
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

export interface FindOptions {
  sort?: Sort;
  limit?: number;
  skip?: number;
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
  count(filter: Filter): Promise<number>;
  /** Inserts one document; throws DuplicateKeyError when a unique index refuses it. */
  insertOne(doc: T): Promise<void>;
  /**
   * Applies `update` to the first document matching `filter` and returns it as it is after the
   * update, or null when none matched. Atomic per document on every backend.
   * With `upsert`, a missing document is created from the filter's equality fields.
   */
  findOneAndUpdate(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<T | null>;
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

/** What `serverStats` reports of the Redis server. */
export interface RedisServerStats {
  version: string;
  usedMemoryBytes: number;
  connectedClients: number;
  /** `DBSIZE`: every key of the database, docgate's and any other tenant's. */
  keys: number;
  uptimeSeconds: number;
}

/** Counters kept apart from documents (Redis INCR on the Redis backend). */
export interface Counters {
  /** Adds one and returns the new value. */
  increment(key: string): Promise<number>;
  /** Current values in key order, 0 for a key never incremented. */
  get(keys: readonly string[]): Promise<number[]>;
  /** Every counter and its value, streamed (backups). */
  entries(): AsyncIterable<readonly [key: string, value: number]>;
  /** Sets counters to the given values (restores). */
  set(entries: ReadonlyArray<readonly [key: string, value: number]>): Promise<void>;
  /** Removes every counter (restore with --drop). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** A player's place on a board: `rank` is 1 + the number of players with a strictly higher score. */
export interface LeaderboardEntry {
  player: string;
  score: number;
  rank: number;
}

/** One change to a board, computed atomically with it. */
export interface LeaderboardChange extends LeaderboardEntry {
  board: string;
  /** The rank before the change; `null` for a player new to the board. */
  previousRank: number | null;
}

/**
 * Sorted boards (Redis sorted sets). Board order is score descending, then player descending
 * (Redis' ZREVRANGE order), on every backend. Names are validated by the service.
 */
export interface Leaderboards {
  /** Sets the player's score. */
  submit(board: string, player: string, score: number): Promise<LeaderboardChange>;
  /** Adds `by` to the player's score; a new player starts at 0. */
  increment(board: string, player: string, by: number): Promise<LeaderboardChange>;
  /** The first `count` entries in board order. */
  top(board: string, count: number): Promise<LeaderboardEntry[]>;
  /** `null` for a player not on the board. */
  entry(board: string, player: string): Promise<LeaderboardEntry | null>;
  /** The player and up to `radius` neighbours each side, in board order; empty when absent. */
  around(board: string, player: string, radius: number): Promise<LeaderboardEntry[]>;
  size(board: string): Promise<number>;
  /** Removes every entry; true when the board had any. */
  reset(board: string): Promise<boolean>;
  /** Every score of every board, streamed (backups); no event is published. */
  entries(): AsyncIterable<{ board: string; player: string; score: number }>;
  /** Sets scores as given (restores); no event is published. */
  load(entries: ReadonlyArray<{ board: string; player: string; score: number }>): Promise<void>;
  /** Removes every board (restore with --drop). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** A job's lifecycle: QUEUED -> ACTIVE -> COMPLETED | FAILED, or DELAYED (waiting for a retry) -> QUEUED. */
export type JobStatus = 'QUEUED' | 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'DELAYED';

export interface JobRecord {
  id: string;
  type: string;
  payload: unknown;
  status: JobStatus;
  /** Attempts started so far. */
  attempts: number;
  /** 0..100. */
  progress: number;
  /** The processor's result once COMPLETED, else null. */
  result: unknown;
  /** Why the last attempt failed, else null. */
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

/** One change of a job as its queue reports it: the fields the change set. */
export interface JobChange {
  id: string;
  status?: JobStatus;
  progress?: number;
  result?: unknown;
  error?: string | null;
}

/** What a processor sees of the job it runs. */
export interface RunningJob {
  id: string;
  type: string;
  payload: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** Reports progress, 0..100. */
  progress(percent: number): Promise<void>;
}

/** Runs one job and returns its result (JSON). Throwing PermanentJobError fails the job without retry. */
export type JobProcessor = (job: RunningJob) => Promise<unknown>;

/** A failure that a retry cannot fix: the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

/** Workers running in this process. */
export interface Workers {
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
}

export interface JobQueueOptions {
  /** Attempts per job, the first included. */
  attempts: number;
  /** First retry delay; doubled at each further retry. */
  backoffMs: number;
  /** How long finished jobs (and their results) are kept. */
  keepSeconds: number;
}

/**
 * A durable job queue (BullMQ on Redis, in-process on the embedded default): same states, same
 * events. A job whose worker dies mid-run is run again.
 */
export interface JobQueue {
  readonly kind: 'redis' | 'in-process';
  /** Adds a job; throws UnavailableError (within a second) when the queue cannot take it. */
  enqueue(type: string, payload: unknown): Promise<JobRecord>;
  /** `null` for an unknown (or expired) id. */
  get(id: string): Promise<JobRecord | null>;
  counts(): Promise<QueueCounts>;
  /**
   * Calls `listener` with every change of a job's status or progress, by any worker anywhere,
   * from the moment the returned promise resolves; it resolves to the function that stops it.
   */
  onChange(listener: (change: JobChange) => void): Promise<() => void>;
  /** Starts `concurrency` workers in this process. */
  work(processor: JobProcessor, concurrency: number): Workers;
  close(): Promise<void>;
}

/**
 * Accounts online: those with an open subscription connection on some instance. Each instance
 * holds its entries and refreshes them; an entry not refreshed in time expires.
 */
export interface PresenceStore {
  /** Marks (or keeps) these accounts online from this instance. */
  refresh(accountIds: readonly string[]): Promise<void>;
  /** This instance no longer holds the account. */
  remove(accountId: string): Promise<void>;
  /** Accounts online on any instance. */
  count(): Promise<number>;
  /** Removes this instance's entries. */
  close(): Promise<void>;
}

/** Hits and misses of the shared cache counted by this process since it started. */
export interface CacheStats {
  hits: number;
  misses: number;
}

/** One key as read from the cache: its value (null on a miss) and the version to write back under. */
export interface CacheRead {
  value: string | null;
  /** Opaque; changes whenever the key is invalidated. */
  version: string;
}

/**
 * The shared cache under the by-id reads (Redis on the Redis backend, so every instance sees
 * the same entries; in-process on the embedded default). Values are opaque strings (the
 * serializer's output). Versions make write-backs safe: a value loaded from the store is written
 * back only if its key was not invalidated since `getMany` read it, so a read that raced a write
 * cannot put the old document back.
 */
export interface DocumentCache {
  /** Reads every key in one round trip (Redis MGET); results in key order. Counts hits and misses. */
  getMany(keys: readonly string[]): Promise<CacheRead[]>;
  /**
   * Writes back values loaded from the store, each for `ttlSeconds`, in one round trip. An entry
   * whose key was invalidated since its `version` was read is dropped.
   */
  setMany(
    entries: ReadonlyArray<{ key: string; value: string; version: string }>,
    ttlSeconds: number,
  ): Promise<void>;
  /** Removes the keys and moves their versions, in one round trip. */
  invalidate(keys: readonly string[]): Promise<void>;
  stats(): CacheStats;
  close(): Promise<void>;
}

export type Role = 'USER' | 'ADMIN';

/** A signed-in session, stored under the SHA-256 of its token (never the token itself). */
export interface SessionRecord {
  accountId: string;
  role: Role;
  createdAt: Date;
  lastActivityAt: Date;
  /** `lastActivityAt` + the session lifetime: the expiry slides with every use. */
  expiresAt: Date;
}

/**
 * Sessions with a sliding expiry (a Redis hash with a TTL on the Redis backend). `id` is the
 * token's SHA-256, computed by the caller. Errors of the store are UnavailableError.
 */
export interface SessionStore {
  /** Stores a new session that expires `ttlSeconds` after `now`. */
  create(
    id: string,
    owner: { accountId: string; role: Role },
    now: Date,
    ttlSeconds: number,
  ): Promise<SessionRecord>;
  /**
   * Returns the session with its last activity moved to `now` and its expiry to `now` +
   * `ttlSeconds`, atomically; null when it is unknown, expired or deleted.
   */
  touch(id: string, now: Date, ttlSeconds: number): Promise<SessionRecord | null>;
  /** Ends a session; true when there was one. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A rate-limit key's state after a request was counted (or peeked at). */
export interface RateLimitDecision {
  /** False when this request went over the limit. */
  allowed: boolean;
  limit: number;
  /** Points left in the current window (0 when over). */
  remaining: number;
  /** When the window (or the block) ends and points are available again. */
  resetAt: Date;
}

export interface RateLimiterOptions {
  /** Distinguishes limiters sharing one store (`requests`, `login`). */
  name: string;
  points: number;
  durationSeconds: number;
  /** Once over the limit, refuse the key for this long (default: until the window ends). */
  blockSeconds?: number;
  /**
   * What happens when the shared store does not answer: `memory` counts in this process instead
   * (and logs it); `fail` throws UnavailableError.
   */
  whenStoreDown: 'memory' | 'fail';
}

/**
 * A fixed-window limiter (rate-limiter-flexible: an atomic Lua INCR on Redis, shared by every
 * instance; in-process on the embedded default).
 */
export interface RateLimiter {
  readonly points: number;
  /** Spends `points` (default 1) of the key atomically and returns the state after. */
  consume(key: string, points?: number): Promise<RateLimitDecision>;
  /** The key's state without spending anything. */
  peek(key: string): Promise<RateLimitDecision>;
  /** Forgets the key's spending (a successful login clears its failures). */
  reset(key: string): Promise<void>;
}

export type RateLimiterFactory = (options: RateLimiterOptions) => RateLimiter;
