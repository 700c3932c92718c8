import { afterEach, describe, expect, it } from 'vitest';
import type {
  JobChange,
  JobProcessor,
  JobQueue,
  JobQueueOptions,
  JobRecord,
} from '../../src/datasources/ports/jobs.js';
import { PermanentJobError } from '../../src/errors.js';
import { eventually } from '../helpers/realtime.js';

const OPTIONS: JobQueueOptions = { attempts: 3, backoffMs: 20, keepSeconds: 3600 };

export interface MadeQueue {
  queue: JobQueue;
  close(): Promise<void>;
}

async function finished(queue: JobQueue, id: string): Promise<JobRecord> {
  let job: JobRecord | null = null;
  await eventually(
    async () => {
      job = await queue.get(id);
      return job?.status === 'COMPLETED' || job?.status === 'FAILED';
    },
    15_000,
    `job ${id} finished`,
  );
  if (job === null) throw new Error('no job');
  return job;
}

/** The JobQueue port contract, run against every implementation. */
export function jobQueueSuite(name: string, make: (options: JobQueueOptions) => Promise<MadeQueue>): void {
  describe(`JobQueue (${name})`, () => {
    let made: MadeQueue | undefined;
    const open = async (options = OPTIONS) => {
      made = await make(options);
      return made.queue;
    };
    afterEach(async () => {
      await made?.close();
      made = undefined;
    });

    it('keeps a job QUEUED until a worker runs it, and null for an unknown id', async () => {
      const queue = await open();
      const job = await queue.enqueue('t', { n: 1 });
      expect(job).toMatchObject({
        type: 't',
        payload: { n: 1 },
        status: 'QUEUED',
        attempts: 0,
        progress: 0,
        result: null,
      });
      expect(await queue.get(job.id)).toMatchObject({ id: job.id, status: 'QUEUED' });
      expect(await queue.counts()).toEqual({ waiting: 1, active: 0, completed: 0, failed: 0, delayed: 0 });
      expect(await queue.get('999999')).toBeNull();
    });

    it('runs a job to COMPLETED with its progress and result, reporting each change', async () => {
      const queue = await open();
      const changes: JobChange[] = [];
      const stop = await queue.onChange((c) => changes.push(c));
      const processor: JobProcessor = async (job) => {
        await job.progress(40);
        return { echoed: job.payload, attempt: job.attempt };
      };
      queue.work(processor, 2);
      const { id } = await queue.enqueue('t', { n: 2 });
      const done = await finished(queue, id);
      expect(done).toMatchObject({ status: 'COMPLETED', attempts: 1, progress: 40, error: null });
      expect(done.result).toEqual({ echoed: { n: 2 }, attempt: 1 });
      expect(done.startedAt).toBeInstanceOf(Date);
      expect(done.finishedAt).toBeInstanceOf(Date);
      await eventually(
        () => changes.some((c) => c.id === id && c.status === 'COMPLETED'),
        10_000,
        'completed event',
      );
      const mine = changes.filter((c) => c.id === id);
      expect(mine.map((c) => c.status).filter((s) => s !== undefined)).toEqual(
        expect.arrayContaining(['ACTIVE', 'COMPLETED']),
      );
      expect(mine.some((c) => c.progress === 40)).toBe(true);
      expect(mine.find((c) => c.status === 'COMPLETED')?.result).toEqual({ echoed: { n: 2 }, attempt: 1 });
      stop();
      expect((await queue.counts()).completed).toBe(1);
    });

    it('retries a passing failure with backoff (DELAYED between attempts) until it succeeds', async () => {
      const queue = await open();
      const changes: JobChange[] = [];
      await queue.onChange((c) => changes.push(c));
      queue.work(async (job) => {
        if (job.attempt < 3) throw new Error(`flaky ${job.attempt}`);
        return 'ok';
      }, 1);
      const { id } = await queue.enqueue('t', {});
      const done = await finished(queue, id);
      expect(done).toMatchObject({ status: 'COMPLETED', attempts: 3, result: 'ok', error: null });
      await eventually(
        () => changes.some((c) => c.id === id && c.status === 'COMPLETED'),
        10_000,
        'completed event',
      );
      expect(changes.filter((c) => c.id === id && c.status === 'DELAYED')).toHaveLength(2);
    });

    it('fails a job after its last attempt, keeping the reason', async () => {
      const queue = await open({ ...OPTIONS, attempts: 2 });
      let runs = 0;
      queue.work(async () => {
        runs++;
        throw new Error('still broken');
      }, 1);
      const { id } = await queue.enqueue('t', {});
      expect(await finished(queue, id)).toMatchObject({
        status: 'FAILED',
        attempts: 2,
        error: 'still broken',
        result: null,
      });
      expect(runs).toBe(2);
      expect((await queue.counts()).failed).toBe(1);
    });

    it('fails a permanent failure at once, without retry', async () => {
      const queue = await open();
      let runs = 0;
      queue.work(async () => {
        runs++;
        throw new PermanentJobError('cannot ever work');
      }, 1);
      const { id } = await queue.enqueue('t', {});
      expect(await finished(queue, id)).toMatchObject({
        status: 'FAILED',
        attempts: 1,
        error: 'cannot ever work',
      });
      expect(runs).toBe(1);
    });

    it('runs up to `concurrency` jobs at once', async () => {
      const queue = await open();
      let running = 0;
      let most = 0;
      const release: Array<() => void> = [];
      queue.work(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        return null;
      }, 2);
      const jobs = await Promise.all([1, 2, 3].map((n) => queue.enqueue('t', { n })));
      await eventually(() => release.length === 2, 10_000, 'two jobs active');
      expect((await queue.counts()).active).toBe(2);
      while (release.length > 0 || running > 0) {
        release.shift()?.();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const job of jobs) expect((await finished(queue, job.id)).status).toBe('COMPLETED');
      expect(most).toBe(2);
    });
  });
}
