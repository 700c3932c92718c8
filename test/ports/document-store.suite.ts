import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentCollection, DocumentStore, StoredDoc } from '../../src/datasources/ports/documents.js';
import { DuplicateKeyError, UnsupportedQueryError } from '../../src/errors.js';
import type { Capabilities } from '../helpers/capabilities.js';
import { uniqueName } from '../helpers/names.js';

interface Person extends StoredDoc {
  name: string;
  age?: number | null;
  tags: string[];
  addresses: Array<{ city: string }>;
  at: Date;
}

const people: Person[] = [
  {
    _id: 'a1',
    name: 'Dupont',
    age: 30,
    tags: ['pascal', 'python'],
    addresses: [{ city: 'Paris' }],
    at: new Date('2024-01-15T10:30:00Z'),
  },
  {
    _id: 'a2',
    name: 'Martin',
    age: 25,
    tags: ['python'],
    addresses: [{ city: 'Lyon' }, { city: 'Paris' }],
    at: new Date('2024-02-01T00:00:00Z'),
  },
  { _id: 'a3', name: 'Durand', age: 35, tags: [], addresses: [], at: new Date('2024-03-01T00:00:00Z') },
  {
    _id: 'a4',
    name: 'Bernard',
    tags: ['go'],
    addresses: [{ city: 'Lyon' }],
    at: new Date('2024-04-01T00:00:00Z'),
  },
  {
    _id: 'a5',
    name: 'Petit',
    age: 30,
    tags: ['pascal'],
    addresses: [{ city: 'Nice' }],
    at: new Date('2024-05-01T00:00:00Z'),
  },
];

/** One suite for the document-store port, run against every implementation. */
export function documentStoreSuite(
  name: string,
  make: () => Promise<DocumentStore>,
  capabilities: () => Promise<Capabilities>,
) {
  describe(`document store port (${name})`, () => {
    let store: DocumentStore;
    let people$: DocumentCollection<Person>;
    let caps: Capabilities;

    beforeAll(async () => {
      store = await make();
      caps = await capabilities();
    });
    afterAll(async () => {
      await store.close();
    });
    beforeEach(async () => {
      people$ = store.collection<Person>(uniqueName('people'));
      for (const p of people) await people$.insertOne(p);
    });

    const ids = (docs: StoredDoc[]) => docs.map((d) => d._id);

    it('round-trips dates, arrays and nested documents exactly', async () => {
      const doc = await people$.findOne({ _id: 'a2' });
      expect(doc).toEqual(people[1]);
      expect(doc?.at).toBeInstanceOf(Date);
    });

    it('filters with comparison, $in, $ne, nested paths and array membership', async () => {
      expect(ids(await people$.find({ age: { $gte: 30 } }, { sort: [['_id', 1]] }))).toEqual([
        'a1',
        'a3',
        'a5',
      ]);
      expect(ids(await people$.find({ name: { $in: ['Martin', 'Petit'] } }, { sort: [['_id', 1]] }))).toEqual(
        ['a2', 'a5'],
      );
      expect(ids(await people$.find({ 'addresses.city': 'Paris' }, { sort: [['_id', 1]] }))).toEqual([
        'a1',
        'a2',
      ]);
      expect(ids(await people$.find({ tags: 'pascal' }, { sort: [['_id', 1]] }))).toEqual(['a1', 'a5']);
      expect(ids(await people$.find({ tags: { $all: ['pascal', 'python'] } }))).toEqual(['a1']);
      expect(ids(await people$.find({ age: { $ne: null } }, { sort: [['_id', 1]] }))).toEqual([
        'a1',
        'a2',
        'a3',
        'a5',
      ]);
      expect(ids(await people$.find({ age: null }))).toEqual(['a4']);
      expect(ids(await people$.find({ $nor: [{ age: { $gte: 30 } }] }, { sort: [['_id', 1]] }))).toEqual([
        'a2',
        'a4',
      ]);
    });

    it('matches case-insensitive regexes and treats escaped metacharacters literally', async () => {
      expect(
        ids(await people$.find({ name: { $regex: '^du', $options: 'i' } }, { sort: [['_id', 1]] })),
      ).toEqual(['a1', 'a3']);
      expect(await people$.count({ name: { $regex: '\\.\\*', $options: 'i' } })).toBe(0);
    });

    it('sorts missing values first ascending, then applies skip and limit', async () => {
      const sorted = await people$.find(
        {},
        {
          sort: [
            ['age', 1],
            ['_id', 1],
          ],
        },
      );
      expect(ids(sorted)).toEqual(['a4', 'a2', 'a1', 'a5', 'a3']);
      expect(
        ids(
          await people$.find(
            {},
            {
              sort: [
                ['age', -1],
                ['_id', 1],
              ],
              skip: 1,
              limit: 2,
            },
          ),
        ),
      ).toEqual(['a1', 'a5']);
      expect(ids(await people$.find({}, { sort: [['at', -1]], limit: 1 }))).toEqual(['a5']);
    });

    it('counts matches', async () => {
      expect(await people$.count({})).toBe(5);
      expect(await people$.count({ 'addresses.city': 'Lyon' })).toBe(2);
    });

    it('updates conditionally and atomically, returning the document after the update', async () => {
      const updated = await people$.findOneAndUpdate({ _id: 'a1', age: { $gte: 30 } }, { $inc: { age: -5 } });
      expect(updated?.age).toBe(25);
      expect(
        await people$.findOneAndUpdate({ _id: 'a1', age: { $gte: 30 } }, { $inc: { age: -5 } }),
      ).toBeNull();
      const set = await people$.findOneAndUpdate({ _id: 'a4' }, { $set: { age: 40 }, $unset: { tags: '' } });
      expect(set).toMatchObject({ _id: 'a4', age: 40 });
      expect(set).not.toHaveProperty('tags');
    });

    it('upserts a missing document from the filter and increments it', async () => {
      const seq = store.collection<StoredDoc & { value: number }>(uniqueName('seq'));
      expect(
        (await seq.findOneAndUpdate({ _id: 'orders' }, { $inc: { value: 1 } }, { upsert: true }))?.value,
      ).toBe(1);
      expect(
        (await seq.findOneAndUpdate({ _id: 'orders' }, { $inc: { value: 1 } }, { upsert: true }))?.value,
      ).toBe(2);
      await seq.clear();
    });

    it('serialises concurrent conditional decrements: never below zero', async () => {
      const stock = store.collection<StoredDoc & { stock: number }>(uniqueName('stock'));
      await stock.insertOne({ _id: 'p', stock: 5 });
      const take = () => stock.findOneAndUpdate({ _id: 'p', stock: { $gte: 1 } }, { $inc: { stock: -1 } });
      // Without atomic conditional updates (FerretDB 1.x), only the sequential behaviour can hold.
      const results = caps.atomicConditionalUpdates
        ? await Promise.all(Array.from({ length: 20 }, take))
        : await Array.from({ length: 20 }).reduce<Promise<unknown[]>>(
            async (acc) => [...(await acc), await take()],
            Promise.resolve([]),
          );
      expect(results.filter((r) => r !== null)).toHaveLength(5);
      expect((await stock.findOne({ _id: 'p' }))?.stock).toBe(0);
      await stock.clear();
    });

    it('refuses a duplicate on a unique index, on insert and on update', async () => {
      const users = store.collection<StoredDoc & { email: string }>(uniqueName('users'));
      await users.ensureIndexes([{ name: 'email_unique', keys: [['email', 1]], unique: true }]);
      await users.insertOne({ _id: 'u1', email: 'a@example.com' });
      await users.insertOne({ _id: 'u2', email: 'b@example.com' });
      await expect(users.insertOne({ _id: 'u3', email: 'a@example.com' })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      const duplicateUpdate = users.findOneAndUpdate({ _id: 'u2' }, { $set: { email: 'a@example.com' } });
      if (caps.duplicateKeyOnUpdate) await expect(duplicateUpdate).rejects.toBeInstanceOf(DuplicateKeyError);
      else await expect(duplicateUpdate).rejects.toThrow(/UNIQUE/);
      expect(await users.count({})).toBe(2);
      expect((await users.findOne({ _id: 'u2' }))?.email).toBe('b@example.com');
      await users.deleteOne({ _id: 'u1' });
      await users.insertOne({ _id: 'u3', email: 'a@example.com' });
      await users.clear();
    });

    it('lets exactly one of two racing inserts of the same unique key win', async () => {
      const users = store.collection<StoredDoc & { email: string }>(uniqueName('users'));
      await users.ensureIndexes([{ name: 'email_unique', keys: [['email', 1]], unique: true }]);
      const outcomes = await Promise.allSettled([
        users.insertOne({ _id: 'x1', email: 'same@example.com' }),
        users.insertOne({ _id: 'x2', email: 'same@example.com' }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected');
      expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(DuplicateKeyError);
      await users.clear();
    });

    it('updates every match and says how many matched', async () => {
      expect(await people$.updateMany({ age: 30 }, { $set: { group: 'thirty' } })).toBe(2);
      expect(ids(await people$.find({ group: 'thirty' }, { sort: [['_id', 1]] }))).toEqual(['a1', 'a5']);
      expect(await people$.updateMany({ _id: { $in: ['a2', 'zz'] } }, { $inc: { age: 1 } })).toBe(1);
      expect((await people$.findOne({ _id: 'a2' }))?.age).toBe(26);
      expect(await people$.updateMany({ age: 99 }, { $set: { group: 'none' } })).toBe(0);
    });

    it('takes and gives back a hold atomically: stock and its record move together, once', async () => {
      interface Held extends StoredDoc {
        stock: number;
        holds?: Array<{ order: string; quantity: number }>;
      }
      const products = store.collection<Held>(uniqueName('held'));
      await products.insertOne({ _id: 'p', stock: 5 });
      const take = (order: string) =>
        products.findOneAndUpdate(
          { _id: 'p', stock: { $gte: 2 }, 'holds.order': { $ne: order } },
          { $inc: { stock: -2 }, $push: { holds: { order, quantity: 2 } } },
        );
      const giveBack = (order: string) =>
        products.findOneAndUpdate(
          { _id: 'p', 'holds.order': order },
          { $inc: { stock: 2 }, $pull: { holds: { order } } },
        );
      // The same order twice takes once; two orders take twice; a third finds too little stock.
      const taken = await Promise.all([take('o1'), take('o1'), take('o2'), take('o3')]);
      expect(taken.filter((t) => t !== null)).toHaveLength(2);
      const held = await products.findOne({ _id: 'p' });
      expect(held?.stock).toBe(1);
      const holders = (held?.holds ?? []).map((h) => h.order).sort();
      expect(new Set(holders).size).toBe(2);
      const [first = '', second = ''] = holders;
      const given = await Promise.all([giveBack(first), giveBack(first)]);
      expect(given.filter((g) => g !== null)).toHaveLength(1);
      expect(
        await products.updateMany(
          { _id: 'p', 'holds.order': second },
          { $pull: { holds: { order: second } } },
        ),
      ).toBe(1);
      expect(await products.findOne({ _id: 'p' })).toMatchObject({ stock: 3, holds: [] });
      await products.clear();
    });

    it('deletes one document and says whether it did', async () => {
      expect(await people$.deleteOne({ _id: 'a3' })).toBe(true);
      expect(await people$.deleteOne({ _id: 'a3' })).toBe(false);
      expect(await people$.count({})).toBe(4);
    });

    it('runs an aggregation pipeline with unwind, group, avg and sort', async () => {
      const rows = people$.aggregate<{ city: string; n: number; avgAge: number | null }>([
        { $unwind: '$addresses' },
        { $group: { _id: '$addresses.city', n: { $sum: 1 }, avgAge: { $avg: '$age' } } },
        { $sort: { n: -1, _id: 1 } },
        { $project: { _id: 0, city: '$_id', n: 1, avgAge: 1 } },
      ]);
      if (!caps.groupAccumulators) {
        await expect(rows).rejects.toBeInstanceOf(UnsupportedQueryError);
        return;
      }
      expect(await rows).toEqual([
        { city: 'Lyon', n: 2, avgAge: 25 },
        { city: 'Paris', n: 2, avgAge: 27.5 },
        { city: 'Nice', n: 1, avgAge: 30 },
      ]);
    });

    it('scans every document in id order, across batch boundaries', async () => {
      const seen: string[] = [];
      for await (const doc of people$.scan(2)) seen.push(doc._id);
      expect(seen).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
      const again: Person[] = [];
      for await (const doc of people$.scan()) again.push(doc);
      expect(again[1]).toEqual(people[1]);
    });

    it('inserts many at once, refuses a duplicate, and lists the collections that hold documents', async () => {
      const name = uniqueName('many');
      const many = store.collection<Person>(name);
      await many.insertMany(people.map((p) => ({ ...p, _id: `m${p._id}` })));
      expect(await many.count({})).toBe(5);
      await expect(many.insertMany([{ ...people[0], _id: 'ma1' } as Person])).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      expect(await store.collectionNames()).toContain(name);
      await many.clear();
    });

    it('reports stats', async () => {
      const stats = await store.stats();
      expect(stats.objects).toBeGreaterThanOrEqual(5);
      expect(stats.collections).toBeGreaterThanOrEqual(1);
    });
  });
}
