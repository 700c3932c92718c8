import { Collection, type CommandStartedEvent, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { MongoDocumentStore, mongoClientOptions } from '../../src/datasources/mongo/documents.js';
import { paginate } from '../../src/services/pagination.js';
import { uniqueName } from '../helpers/names.js';

/**
 * The write concern, retryable writes and read preferences docgate asks of MongoDB, on the run's
 * DocumentDB test server (a standalone: what a replica set would do with them is not tested here).
 */
describe('MongoDB write and read concerns', () => {
  const url = inject('mongodbUrl');
  const sent: CommandStartedEvent[] = [];
  let client: MongoClient;
  let store: MongoDocumentStore;

  const open = async (withUrl: string, listReadPreference: 'primary' | 'secondaryPreferred') => {
    const own = new MongoClient(withUrl, { ...mongoClientOptions(withUrl), monitorCommands: true });
    own.on('commandStarted', (event) => sent.push(event));
    return {
      own,
      store: await MongoDocumentStore.connect(withUrl, uniqueName('t'), {
        maxTimeMS: 5000,
        listReadPreference,
        client: own,
      }),
    };
  };

  beforeAll(async () => {
    ({ own: client, store } = await open(url, 'secondaryPreferred'));
  });
  afterAll(async () => {
    await store?.dropDatabase();
    await client?.close();
  });

  it('asks for w: majority and retryable writes by default, and reads from the primary', () => {
    expect(client.options.writeConcern?.w).toBe('majority');
    expect(client.options.retryWrites).toBe(true);
    expect(client.options.retryReads).toBe(true);
    expect(client.readPreference.mode).toBe('primary');
  });

  it('sends w: majority with every write, and the server acknowledges it', async () => {
    const orders = store.collection<{ _id: string; n: number }>('orders');
    sent.length = 0;
    await orders.insertOne({ _id: 'a', n: 1 });
    await orders.findOneAndUpdate({ _id: 'a' }, { $inc: { n: 1 } });
    await orders.deleteOne({ _id: 'missing' });
    const writes = sent.filter((e) => ['insert', 'findAndModify', 'delete'].includes(e.commandName));
    expect(writes.map((e) => e.commandName)).toEqual(['insert', 'findAndModify', 'delete']);
    for (const write of writes) expect(write.command.writeConcern).toEqual({ w: 'majority' });
    expect(await orders.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 2 });
  });

  it("keeps the URL's own w", async () => {
    const separator = url.includes('?') ? '&' : '?';
    const { own, store: other } = await open(`${url}${separator}w=1`, 'primary');
    try {
      expect(own.options.writeConcern?.w).toBe(1);
      sent.length = 0;
      await other.collection<{ _id: string }>('orders').insertOne({ _id: 'b' });
      expect(sent.find((e) => e.commandName === 'insert')?.command.writeConcern).toEqual({ w: 1 });
    } finally {
      await other.dropDatabase();
      await own.close();
    }
  });

  it('sends list reads with MONGODB_READ_PREFERENCE and every other read to the primary', async () => {
    const customers = store.collection<{ _id: string; name: string }>('customers');
    await customers.insertOne({ _id: 'c1', name: 'Ada' });
    const find = vi.spyOn(Collection.prototype, 'find');
    const count = vi.spyOn(Collection.prototype, 'countDocuments');
    try {
      const page = await paginate(customers, {}, [['_id', 1]], { first: 10 }, (c) => c.name);
      expect(page.edges.map((e) => e.node)).toEqual(['Ada']);
      expect(await page.totalCount()).toBe(1);
      expect(await customers.find({ _id: 'c1' })).toHaveLength(1);
      expect(await customers.count({ _id: 'c1' })).toBe(1);
      const modes = (calls: ReadonlyArray<readonly unknown[]>) =>
        calls.map((args) => {
          const options = args[1];
          return typeof options === 'object' && options !== null && 'readPreference' in options
            ? String(options.readPreference)
            : 'none';
        });
      expect(modes(find.mock.calls)).toEqual(['secondaryPreferred', 'primary']);
      expect(modes(count.mock.calls)).toEqual(['secondaryPreferred', 'primary']);
    } finally {
      find.mockRestore();
      count.mockRestore();
    }
  });
});
