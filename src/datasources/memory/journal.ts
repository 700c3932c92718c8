import {
  chmodSync,
  closeSync,
  createReadStream,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EJSON } from 'bson';
import type { StoredDoc } from '../ports/documents.js';

/** One durable change, replayed in order at start. */
export type JournalEntry =
  | { c: string; op: 'put'; doc: StoredDoc }
  | { c: string; op: 'del'; id: string }
  | { c: string; op: 'clear' };

/** Every live document with its collection's name, walked once per compaction. */
export type Dump = () => Iterable<readonly [collection: string, doc: StoredDoc]>;

export interface JournalOptions {
  /**
   * Compact once the journal holds this many bytes and at least as many as the last snapshot,
   * so a start replays at most about twice the live data. Default 64 MiB.
   */
  compactBytes?: number;
  /** Bytes read at a time at start (tests make it small). Default 64 KiB. */
  readChunkBytes?: number;
}

/** One Extended-JSON line per document: `{ "c": collection, "doc": {...} }`. */
const SNAPSHOT = 'snapshot.ejsonl';
/** The snapshot before it was written by lines: one document, read once and replaced. */
const LEGACY_SNAPSHOT = 'snapshot.ejson';
const JOURNAL = 'journal.ejsonl';
const COMPACT_BYTES = 64 * 1024 * 1024;
const READ_CHUNK_BYTES = 64 * 1024;
/** Characters gathered before each write of a compaction. */
const WRITE_CHUNK_CHARS = 1024 * 1024;
/** The data directory holds password hashes and personal data: its files are the owner's only. */
const FILE_MODE = 0o600;

/**
 * The lines of a file, streamed: V8 cannot hold a string past ~512 MiB, and a journal grown past
 * that (5,500 large emails) made the next start, compaction and `npm run backup` fail.
 */
function lines(path: string, chunkBytes: number): AsyncIterable<string> {
  return createInterface({
    input: createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
}

const parse = (line: string): unknown => EJSON.parse(line, { relaxed: true });

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/**
 * A snapshot plus an append-only journal in DATA_DIR. Each entry is written and fdatasync'd
 * before the write it records answers, so a crash after a mutation has answered loses nothing.
 * Extended JSON keeps dates and other BSON types exact. Both files are read and written a line
 * at a time, never as one string.
 */
export class Journal {
  private fd: number;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private readonly compactBytes: number;

  private constructor(
    private readonly dir: string,
    private readonly dump: Dump,
    options: JournalOptions,
  ) {
    this.compactBytes = options.compactBytes ?? COMPACT_BYTES;
    this.fd = openSync(join(dir, JOURNAL), 'a', FILE_MODE);
    // A journal from an earlier version was created with the umask's mode.
    chmodSync(join(dir, JOURNAL), FILE_MODE);
  }

  /** Reads what the directory holds, hands each entry to `apply`, then compacts. */
  static async open(
    dir: string,
    apply: (entry: JournalEntry) => void,
    dump: Dump,
    options: JournalOptions = {},
  ): Promise<Journal> {
    mkdirSync(dir, { recursive: true });
    const chunk = options.readChunkBytes ?? READ_CHUNK_BYTES;
    const legacyPath = join(dir, LEGACY_SNAPSHOT);
    const snapshotPath = join(dir, SNAPSHOT);
    if (existsSync(snapshotPath)) {
      for await (const line of lines(snapshotPath, chunk)) {
        if (line === '') continue;
        const { c, doc } = parse(line) as { c: string; doc: StoredDoc };
        apply({ c, op: 'put', doc });
      }
    } else if (existsSync(legacyPath)) {
      // Written by an earlier version, which could not write one past V8's string limit either.
      const snapshot = parse(readFileSync(legacyPath, 'utf8')) as Record<string, StoredDoc[]>;
      for (const [c, docs] of Object.entries(snapshot)) for (const doc of docs) apply({ c, op: 'put', doc });
    }
    const journalPath = join(dir, JOURNAL);
    if (existsSync(journalPath)) {
      // A torn last line is a write that never answered; a bad line before another is corruption.
      let torn: unknown = null;
      for await (const line of lines(journalPath, chunk)) {
        if (line === '') continue;
        if (torn !== null) throw torn;
        try {
          apply(parse(line) as JournalEntry);
        } catch (error) {
          torn = error;
        }
      }
    }
    const journal = new Journal(dir, dump, options);
    journal.compact();
    rmSync(legacyPath, { force: true });
    return journal;
  }

  append(entry: JournalEntry): void {
    this.journalBytes += writeSync(this.fd, `${EJSON.stringify(entry, { relaxed: false })}\n`);
    fdatasyncSync(this.fd);
    if (this.journalBytes >= Math.max(this.compactBytes, this.snapshotBytes)) this.compact();
  }

  /**
   * Writes a fresh snapshot atomically (write, fsync, rename) a chunk of lines at a time, and
   * starts an empty journal.
   */
  compact(): void {
    const tmp = join(this.dir, `${SNAPSHOT}.tmp`);
    const fd = openSync(tmp, 'w', FILE_MODE);
    let bytes = 0;
    try {
      let pending = '';
      for (const [c, doc] of this.dump()) {
        pending += `${EJSON.stringify({ c, doc }, { relaxed: false })}\n`;
        if (pending.length >= WRITE_CHUNK_CHARS) {
          bytes += writeSync(fd, pending);
          pending = '';
        }
      }
      if (pending !== '') bytes += writeSync(fd, pending);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, SNAPSHOT));
    this.snapshotBytes = bytes;
    closeSync(this.fd);
    this.fd = openSync(join(this.dir, JOURNAL), 'w', FILE_MODE);
    fdatasyncSync(this.fd);
    this.journalBytes = sizeOf(join(this.dir, JOURNAL));
  }

  close(): void {
    closeSync(this.fd);
  }
}
