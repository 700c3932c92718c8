import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EJSON } from 'bson';
import type { DocumentCollection, DocumentStore, StoredDoc, StoreStats } from '../ports/documents.js';
import { MemoryCollection } from './collection.js';
import { Journal, type JournalEntry, type JournalOptions } from './journal.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The embedded document store: collections in memory, made durable by a journal in `dataDir`
 * (or kept in memory only when `dataDir` is null, as tests do). One process owns a directory
 * at a time; a lock file with its pid says which.
 */
export class MemoryDocumentStore implements DocumentStore {
  readonly kind = 'embedded';
  private readonly collections = new Map<string, MemoryCollection<StoredDoc>>();
  private journal: Journal | null = null;
  private lockPath: string | null = null;

  private constructor(private readonly maxTimeMs: number) {}

  /**
   * `maxTimeMS`: each read's time budget, QUERY_TIMEOUT_MS (default 5000, its default);
   * `journal`: when to compact and how to read (tests).
   */
  static async open(
    dataDir: string | null,
    options: { maxTimeMS?: number; journal?: JournalOptions } = {},
  ): Promise<MemoryDocumentStore> {
    const store = new MemoryDocumentStore(options.maxTimeMS ?? 5000);
    if (dataDir !== null) await store.attach(dataDir, options.journal ?? {});
    return store;
  }

  private async attach(dir: string, options: JournalOptions): Promise<void> {
    const lockPath = join(dir, 'LOCK');
    if (existsSync(lockPath)) {
      const pid = Number(readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) {
        throw new Error(`DATA_DIR ${dir} is in use by process ${pid}`);
      }
    }
    const collections = this.collections;
    this.journal = await Journal.open(
      dir,
      (entry) => this.get(entry.c).apply(entry),
      function* () {
        for (const [name, c] of collections) for (const doc of c.docs.values()) yield [name, doc] as const;
      },
      options,
    );
    writeFileSync(lockPath, String(process.pid));
    this.lockPath = lockPath;
  }

  private get(name: string): MemoryCollection<StoredDoc> {
    let collection = this.collections.get(name);
    if (collection === undefined) {
      collection = new MemoryCollection(
        name,
        (entry: JournalEntry) => this.journal?.append(entry),
        this.maxTimeMs,
      );
      this.collections.set(name, collection);
    }
    return collection;
  }

  collection<T extends StoredDoc>(name: string): DocumentCollection<T> {
    return this.get(name) as unknown as DocumentCollection<T>;
  }

  async stats(): Promise<StoreStats> {
    let objects = 0;
    let dataSizeBytes = 0;
    let indexes = 0;
    for (const c of this.collections.values()) {
      objects += c.docs.size;
      indexes += c.indexCount;
      for (const doc of c.docs.values()) dataSizeBytes += EJSON.stringify(doc).length;
    }
    return { collections: this.collections.size, objects, dataSizeBytes, indexes };
  }

  async ping(): Promise<void> {}

  async collectionNames(): Promise<string[]> {
    return [...this.collections]
      .filter(([, c]) => c.docs.size > 0)
      .map(([name]) => name)
      .sort();
  }

  async close(): Promise<void> {
    if (this.journal !== null) {
      this.journal.compact();
      this.journal.close();
      this.journal = null;
    }
    if (this.lockPath !== null) {
      rmSync(this.lockPath, { force: true });
      this.lockPath = null;
    }
  }
}
