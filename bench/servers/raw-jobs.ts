/**
 * The jobs peer: plain BullMQ on the same Redis, doing what docgate's send_email job does (two
 * progress updates around an upsert into the outbox collection), with the MongoDB driver directly.
 * Started with `--worker`, it processes; else it adds jobs on request.
 */
import { type Job, Queue, Worker } from 'bullmq';
import { MongoClient } from 'mongodb';
import { serveParent } from '../lib/ipc.js';
import { optionsFromEnv } from './common.js';

export interface RawJobsOptions {
  redisUrl: string;
  mongodbUrl: string;
  db: string;
  prefix: string;
  concurrency: number;
}

const options = optionsFromEnv<RawJobsOptions>();
const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
const queue = new Queue('jobs', { connection, prefix: options.prefix });
const mongo = new MongoClient(options.mongodbUrl);
await mongo.connect();
const outbox = mongo.db(options.db).collection<{ _id: string }>('outbox');

let worker: Worker | null = null;
if (process.argv.includes('--worker')) {
  worker = new Worker(
    'jobs',
    async (job: Job) => {
      await job.updateProgress(10);
      const { to, subject, body, messageId } = job.data as Record<string, string>;
      await outbox.findOneAndUpdate(
        { _id: messageId ?? String(job.id) },
        { $set: { to, subject, body, jobId: String(job.id), storedAt: new Date() } },
        { upsert: true },
      );
      await job.updateProgress(100);
      return { messageId };
    },
    { connection, prefix: options.prefix, concurrency: options.concurrency },
  );
}

const job = (i: number) => ({
  name: 'send_email',
  data: { to: `user${i}@example.test`, subject: 'Bench', body: 'Hello', messageId: `raw-${Date.now()}-${i}` },
  opts: { removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } },
});

serveParent(
  {
    addBulk: async (payload) => {
      const { count } = payload as { count: number };
      for (let i = 0; i < count; i += 500)
        await queue.addBulk(Array.from({ length: Math.min(500, count - i) }, (_v, k) => job(i + k)));
      return count;
    },
    /** Adds at a fixed rate (open loop). */
    pace: async (payload) => {
      const { rate, seconds } = payload as { rate: number; seconds: number };
      const total = Math.round(rate * seconds);
      const started = performance.now();
      const adds: Array<Promise<unknown>> = [];
      for (let i = 0; i < total; i++) {
        const wait = started + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const { name, data, opts } = job(i);
        adds.push(queue.add(name, data, opts));
      }
      await Promise.all(adds);
      return total;
    },
  },
  { ready: true },
  async () => {
    await worker?.close();
    await queue.close();
    await mongo.close();
  },
);
