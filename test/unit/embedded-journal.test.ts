import * as fs from 'node:fs';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryDocumentStore } from '../../src/datasources/memory/documents.js';
import type { StoredDoc } from '../../src/datasources/ports/documents.js';

// Spied on, to prove the store never reads its files as one string (V8 caps a string at ~512 MiB).
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, readFileSync: vi.fn(actual.readFileSync) };
});

interface Doc extends StoredDoc {
  n: number;
  text: string;
}

describe('embedded store journal', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'docgate-journal-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    vi.mocked(fs.readFileSync).mockClear();
  });

  const storeFiles = (dir: string) =>
    vi
      .mocked(fs.readFileSync)
      .mock.calls.map(([path]) => String(path))
      .filter((path) => path.startsWith(dir) && !path.endsWith('LOCK'));

  it('reads the snapshot and the journal line by line, never a whole file as one string', async () => {
    const dir = freshDir();
    // A tiny read size: lines (some longer than a chunk) cross chunk boundaries everywhere.
    const options = { journal: { readChunkBytes: 64 } };
    const first = await MemoryDocumentStore.open(dir, options);
    const docs = first.collection<Doc>('things');
    for (let n = 0; n < 300; n++)
      await docs.insertOne({ _id: `d${n}`, n, text: 'é'.repeat(n % 7 === 0 ? 200 : 3) });
    await first.close(); // compacts: the next start reads a snapshot
    const second = await MemoryDocumentStore.open(dir, options);
    const again = second.collection<Doc>('things');
    for (let n = 0; n < 300; n += 2) await again.findOneAndUpdate({ _id: `d${n}` }, { $inc: { n: 1000 } });
    // No close(): the next start replays the journal on top of the snapshot.
    const third = await MemoryDocumentStore.open(dir, options);
    const all = await third.collection<Doc>('things').find({}, { sort: [['_id', 1]] });
    expect(all).toHaveLength(300);
    expect(await third.collection<Doc>('things').count({ n: { $gte: 1000 } })).toBe(150);
    expect(all.find((d) => d._id === 'd7')?.text).toBe('é'.repeat(200));
    expect(storeFiles(dir)).toEqual([]);
    await third.close();
  });

  it('compacts once the journal outgrows its size bound, not only after many entries', async () => {
    const dir = freshDir();
    const compactBytes = 16_384;
    const store = await MemoryDocumentStore.open(dir, { journal: { compactBytes } });
    const docs = store.collection<Doc>('things');
    // 60 entries of 2 KB each: 120 KB of journal without compaction.
    for (let n = 0; n < 60; n++) await docs.insertOne({ _id: `d${n}`, n, text: 'x'.repeat(2048) });
    const journalSize = statSync(join(dir, 'journal.ejsonl')).size;
    const snapshotSize = statSync(join(dir, 'snapshot.ejsonl')).size;
    // Compacted: the journal holds less than the bound past the last snapshot's size.
    expect(journalSize).toBeLessThan(Math.max(compactBytes, snapshotSize) + 4096);
    expect(snapshotSize).toBeGreaterThan(compactBytes);
    await store.close();
    const again = await MemoryDocumentStore.open(dir);
    expect(await again.collection<Doc>('things').count({})).toBe(60);
    await again.close();
  });

  it('reads a snapshot written by an earlier version, then replaces it with one by lines', async () => {
    const dir = freshDir();
    fs.writeFileSync(
      join(dir, 'snapshot.ejson'),
      '{"things":[{"_id":"a","n":{"$numberInt":"1"},"text":"old"}]}',
    );
    const store = await MemoryDocumentStore.open(dir);
    expect(await store.collection<Doc>('things').find({})).toEqual([{ _id: 'a', n: 1, text: 'old' }]);
    await store.close();
    expect(fs.existsSync(join(dir, 'snapshot.ejson'))).toBe(false);
    const again = await MemoryDocumentStore.open(dir);
    expect(await again.collection<Doc>('things').count({})).toBe(1);
    await again.close();
  });

  it('writes its files readable by their owner only', async () => {
    const dir = freshDir();
    const store = await MemoryDocumentStore.open(dir);
    await store.collection<Doc>('things').insertOne({ _id: 'a', n: 1, text: 'secret' });
    await store.close();
    for (const file of ['journal.ejsonl', 'snapshot.ejsonl'])
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
  });
});
