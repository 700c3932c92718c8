import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../src/datasources/memory/documents.js';
import type { StoredDoc } from '../../src/datasources/ports/documents.js';

interface Doc extends StoredDoc {
  n: number;
  at: Date;
  tags: string[];
}

describe('embedded store persistence', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'docgate-store-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every answered write across a crash (no close), with types intact', async () => {
    const dir = freshDir();
    const first = await MemoryDocumentStore.open(dir);
    const docs = first.collection<Doc>('things');
    await docs.insertOne({ _id: 'a', n: 1, at: new Date('2024-01-15T10:30:00Z'), tags: ['x'] });
    await docs.insertOne({ _id: 'b', n: 2, at: new Date('2024-01-16T00:00:00Z'), tags: [] });
    await docs.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 41 } });
    await docs.deleteOne({ _id: 'b' });
    // No close(): the process "dies" here; a new store reads the same directory.
    const second = await MemoryDocumentStore.open(dir);
    const again = second.collection<Doc>('things');
    expect(await again.find({})).toEqual([
      { _id: 'a', n: 42, at: new Date('2024-01-15T10:30:00Z'), tags: ['x'] },
    ]);
    expect(await again.count({ n: { $gt: 40 } })).toBe(1);
    await second.close();
  });

  it('restores unique indexes after a restart', async () => {
    const dir = freshDir();
    const first = await MemoryDocumentStore.open(dir);
    const users = first.collection<StoredDoc & { email: string }>('users');
    await users.ensureIndexes([{ name: 'email', keys: [['email', 1]], unique: true }]);
    await users.insertOne({ _id: 'u1', email: 'a@example.com' });
    await first.close();
    const second = await MemoryDocumentStore.open(dir);
    const again = second.collection<StoredDoc & { email: string }>('users');
    await again.ensureIndexes([{ name: 'email', keys: [['email', 1]], unique: true }]);
    await expect(again.insertOne({ _id: 'u2', email: 'a@example.com' })).rejects.toThrow(/duplicate/);
    await second.close();
  });

  it('ignores a torn last journal line (a write that never answered)', async () => {
    const dir = freshDir();
    const first = await MemoryDocumentStore.open(dir);
    await first.collection<Doc>('things').insertOne({ _id: 'a', n: 1, at: new Date(0), tags: [] });
    appendFileSync(join(dir, 'journal.ejsonl'), '{"c":"things","op":"put","doc":{"_id":"b"');
    const second = await MemoryDocumentStore.open(dir);
    expect(await second.collection<Doc>('things').count({})).toBe(1);
    await second.close();
  });

  it('refuses a directory held by another live process', async () => {
    const dir = freshDir();
    const store = await MemoryDocumentStore.open(dir);
    // The lock names our own pid; make it name another live process (our parent).
    const lock = join(dir, 'LOCK');
    rmSync(lock);
    appendFileSync(lock, String(process.ppid));
    await expect(MemoryDocumentStore.open(dir)).rejects.toThrow(/in use by process/);
    rmSync(lock);
    expect(readdirSync(dir)).toContain('snapshot.ejsonl');
    return store.close();
  });
});
