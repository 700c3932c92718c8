import { describe, expect, it } from 'vitest';
import { MemoryDocumentStore } from '../../src/datasources/memory/documents.js';

interface Doc {
  _id: string;
  name: string;
  tags: string[];
  address: { city: string };
  [key: string]: unknown;
}

/**
 * The embedded store hands out its stored documents without a copy: they are frozen, so no
 * caller can change the store through one, and writes replace them instead of changing them.
 */
describe('embedded documents are shared frozen, written copy-on-write', () => {
  it('refuses a change to a read document, deep inside too, and keeps the store as it was', async () => {
    const store = await MemoryDocumentStore.open(null);
    const docs = store.collection<Doc>('things');
    await docs.insertOne({ _id: 'a', name: 'first', tags: ['x'], address: { city: 'Lyon' } });
    const [read] = await docs.find({ _id: 'a' });
    if (read === undefined) throw new Error('not found');
    expect(Object.isFrozen(read)).toBe(true);
    expect(() => {
      read.name = 'changed';
    }).toThrow(TypeError);
    expect(() => read.tags.push('y')).toThrow(TypeError);
    expect(() => {
      read.address.city = 'Paris';
    }).toThrow(TypeError);
    expect(await docs.findOne({ _id: 'a' })).toEqual({
      _id: 'a',
      name: 'first',
      tags: ['x'],
      address: { city: 'Lyon' },
    });
    await store.close();
  });

  it('leaves a document read before an update as it was read', async () => {
    const store = await MemoryDocumentStore.open(null);
    const docs = store.collection<Doc>('things');
    const inserted: Doc = { _id: 'a', name: 'first', tags: [], address: { city: 'Lyon' } };
    await docs.insertOne(inserted);
    // The store keeps a copy of what it was given: the caller's object stays the caller's.
    inserted.name = 'mine';
    const before = await docs.findOne({ _id: 'a' });
    const after = await docs.findOneAndUpdate({ _id: 'a' }, { $set: { 'address.city': 'Nice' } });
    expect(before?.name).toBe('first');
    expect(before?.address.city).toBe('Lyon');
    expect(after?.address.city).toBe('Nice');
    expect(Object.isFrozen(after)).toBe(true);
    expect((await docs.findOne({ _id: 'a' }))?.address.city).toBe('Nice');
    await store.close();
  });
});
