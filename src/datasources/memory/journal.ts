import {
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { EJSON } from 'bson';
import type { StoredDoc } from '../ports/documents.js';

/** One durable change, replayed in order at start. */
export type JournalEntry =
  | { c: string; op: 'put'; doc: StoredDoc }
  | { c: string; op: 'del'; id: string }
  | { c: string; op: 'clear' };

type Snapshot = Record<string, StoredDoc[]>;

const SNAPSHOT = 'snapshot.ejson';
const JOURNAL = 'journal.ejsonl';
/** Compact once this many entries have been appended since the last snapshot. */
const COMPACT_EVERY = 20_000;

/**
 * A snapshot plus an append-only journal in DATA_DIR. Each entry is written and fdatasync'd
 * before the write it records answers, so a crash after a mutation has answered loses nothing.
 * Extended JSON keeps dates and other BSON types exact.
 */
export class Journal {
  private fd: number;
  private appended = 0;

  private constructor(
    private readonly dir: string,
    private readonly dump: () => Snapshot,
  ) {
    this.fd = openSync(join(dir, JOURNAL), 'a');
  }

  /** Reads what the directory holds, hands each entry to `apply`, then compacts. */
  static open(dir: string, apply: (entry: JournalEntry) => void, dump: () => Snapshot): Journal {
    mkdirSync(dir, { recursive: true });
    const snapshotPath = join(dir, SNAPSHOT);
    if (existsSync(snapshotPath)) {
      const snapshot = EJSON.parse(readFileSync(snapshotPath, 'utf8'), { relaxed: true }) as Snapshot;
      for (const [c, docs] of Object.entries(snapshot)) {
        for (const doc of docs) apply({ c, op: 'put', doc });
      }
    }
    const journalPath = join(dir, JOURNAL);
    if (existsSync(journalPath)) {
      const lines = readFileSync(journalPath, 'utf8').split('\n');
      for (const [i, line] of lines.entries()) {
        if (line === '') continue;
        try {
          apply(EJSON.parse(line, { relaxed: true }) as JournalEntry);
        } catch (error) {
          // A torn last line is a write that never answered; anything earlier is corruption.
          if (i < lines.length - 2) throw error;
        }
      }
    }
    const journal = new Journal(dir, dump);
    journal.compact();
    return journal;
  }

  append(entry: JournalEntry): void {
    writeSync(this.fd, `${EJSON.stringify(entry, { relaxed: false })}\n`);
    fdatasyncSync(this.fd);
    this.appended += 1;
    if (this.appended >= COMPACT_EVERY) this.compact();
  }

  /** Writes a fresh snapshot atomically (write, fsync, rename) and starts an empty journal. */
  compact(): void {
    const tmp = join(this.dir, `${SNAPSHOT}.tmp`);
    const fd = openSync(tmp, 'w');
    writeSync(fd, EJSON.stringify(this.dump(), { relaxed: false }));
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.dir, SNAPSHOT));
    closeSync(this.fd);
    this.fd = openSync(join(this.dir, JOURNAL), 'w');
    fdatasyncSync(this.fd);
    this.appended = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
