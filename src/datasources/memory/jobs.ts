import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentJobError } from '../../errors.js';
import type {
  JobChange,
  JobProcessor,
  JobQueue,
  JobQueueOptions,
  JobRecord,
  QueueCounts,
  Workers,
} from '../ports/jobs.js';

const FINISHED = new Set(['COMPLETED', 'FAILED']);
/** How long closing waits for running jobs; an unfinished one is lost with the process anyway. */
const CLOSE_GRACE_MS = 10_000;

/**
 * The embedded default's queue: BullMQ's states, retries and events, in process memory. Jobs do
 * not outlive the process; its workers are the process' own.
 */
export class MemoryJobQueue implements JobQueue {
  readonly kind = 'in-process';
  readonly #jobs = new Map<string, JobRecord>();
  readonly #waiting: string[] = [];
  readonly #retries = new Set<NodeJS.Timeout>();
  readonly #events = new EventEmitter();
  readonly #running = new Set<Promise<void>>();
  #pool: { processor: JobProcessor; concurrency: number } | null = null;

  constructor(private readonly options: JobQueueOptions) {
    this.#events.setMaxListeners(0);
  }

  async enqueue(type: string, payload: unknown, ownerId?: string): Promise<JobRecord> {
    this.#prune();
    const job: JobRecord = {
      id: randomUUID(),
      type,
      ownerId: ownerId ?? null,
      payload,
      status: 'QUEUED',
      attempts: 0,
      progress: 0,
      result: null,
      error: null,
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
    };
    this.#jobs.set(job.id, job);
    this.#waiting.push(job.id);
    this.#changed(job);
    queueMicrotask(() => this.#pump());
    return { ...job };
  }

  async get(id: string): Promise<JobRecord | null> {
    this.#prune();
    const job = this.#jobs.get(id);
    return job === undefined ? null : { ...job };
  }

  async counts(): Promise<QueueCounts> {
    this.#prune();
    const counts: QueueCounts = { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 };
    const field = {
      QUEUED: 'waiting',
      ACTIVE: 'active',
      COMPLETED: 'completed',
      FAILED: 'failed',
      DELAYED: 'delayed',
    } as const;
    for (const job of this.#jobs.values()) counts[field[job.status]]++;
    return counts;
  }

  async onChange(listener: (change: JobChange) => void): Promise<() => void> {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  work(processor: JobProcessor, concurrency: number): Workers {
    this.#pool = { processor, concurrency };
    this.#pump();
    return {
      close: async () => {
        this.#pool = null;
        await this.#drain();
      },
    };
  }

  async close(): Promise<void> {
    this.#pool = null;
    for (const timer of this.#retries) clearTimeout(timer);
    this.#retries.clear();
    await this.#drain();
    this.#events.removeAllListeners();
  }

  #drain(): Promise<unknown> {
    return Promise.race([
      Promise.allSettled(this.#running),
      sleep(CLOSE_GRACE_MS, undefined, { ref: false }),
    ]);
  }

  #pump(): void {
    while (this.#pool !== null && this.#running.size < this.#pool.concurrency) {
      const job = this.#jobs.get(this.#waiting.shift() ?? '');
      if (job === undefined) {
        if (this.#waiting.length === 0) return;
        continue; // pruned meanwhile
      }
      const run = this.#run(job, this.#pool.processor).finally(() => {
        this.#running.delete(run);
        this.#pump();
      });
      this.#running.add(run);
    }
  }

  async #run(job: JobRecord, processor: JobProcessor): Promise<void> {
    Object.assign(job, { status: 'ACTIVE', attempts: job.attempts + 1, startedAt: new Date(), error: null });
    this.#changed(job);
    try {
      const result = await processor({
        id: job.id,
        type: job.type,
        payload: job.payload,
        attempt: job.attempts,
        progress: async (percent) => {
          job.progress = Math.max(0, Math.min(100, percent));
          this.#changed(job);
        },
      });
      Object.assign(job, { status: 'COMPLETED', result: result ?? null, finishedAt: new Date() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentJobError || job.attempts >= this.options.attempts) {
        Object.assign(job, { status: 'FAILED', error: message, finishedAt: new Date() });
      } else {
        Object.assign(job, { status: 'DELAYED', error: message });
        this.#retryLater(job);
      }
    }
    this.#changed(job);
  }

  #retryLater(job: JobRecord): void {
    const timer = setTimeout(
      () => {
        this.#retries.delete(timer);
        job.status = 'QUEUED';
        this.#waiting.push(job.id);
        this.#changed(job);
        this.#pump();
      },
      this.options.backoffMs * 2 ** (job.attempts - 1),
    );
    this.#retries.add(timer);
  }

  #changed(job: JobRecord): void {
    const { id, status, progress, result, error } = job;
    this.#events.emit('change', { id, status, progress, result, error } satisfies JobChange);
  }

  /** Finished jobs are kept `keepSeconds`, like BullMQ's removeOnComplete / removeOnFail by age. */
  #prune(): void {
    const before = Date.now() - this.options.keepSeconds * 1000;
    for (const [id, job] of this.#jobs) {
      if (FINISHED.has(job.status) && job.finishedAt !== null && job.finishedAt.getTime() < before)
        this.#jobs.delete(id);
    }
  }
}
