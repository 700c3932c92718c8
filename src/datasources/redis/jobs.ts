import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, Queue, QueueEvents, type RedisOptions, UnrecoverableError, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { PermanentJobError, UnavailableError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { redisOptionsFromUrl } from '../../redis-url.js';
import type {
  JobChange,
  JobProcessor,
  JobQueue,
  JobQueueOptions,
  JobRecord,
  JobStatus,
  QueueCounts,
  Workers,
} from '../ports/jobs.js';
import { closeRedis, createRedis, type RedisClient } from './client.js';
import { redisCall } from './errors.js';
import { hashTag } from './slots.js';

const QUEUE = 'jobs';
/**
 * How long shutdown waits for the job-events feed to close. BullMQ's QueueEvents close never
 * settled for a feed whose connection was reconnecting after a Redis restart (jobs.test.ts);
 * past this the feed's connections are dropped with the rest (the templates, below).
 */
const EVENTS_CLOSE_MS = 2000;

function closeWithin(events: QueueEvents, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  const closing = events.close().catch(() => undefined);
  return Promise.race([closing, bound]).finally(() => clearTimeout(timer));
}

/** An enqueue that Redis has not acknowledged by then is answered SERVICE_UNAVAILABLE. */
const ENQUEUE_DEADLINE_MS = 800;
/** How long closing waits for running jobs (and for BullMQ to pause) before it closes anyway. */
const CLOSE_GRACE_MS = 10_000;

export interface BullJobQueueOptions extends JobQueueOptions {
  url: string;
  /** The app's Redis connection, for the few reads BullMQ has no method for. */
  redis: RedisClient;
  /**
   * REDIS_PREFIX; BullMQ's keys go under `<prefix>bull:jobs:`, and on a Redis Cluster under
   * `{<prefix>bull}:jobs:`: BullMQ's scripts touch several keys of a queue at once, so they
   * must all hash to one slot (one queue lives on one shard).
   */
  prefix: string;
  /** A worker's lock on a job; a job whose worker died is taken back after about twice this. */
  lockMs: number;
}

/**
 * ioredis options from REDIS_URL, so that BullMQ creates (and closes) its own connections. A
 * cluster cannot be described by options: BullMQ gets an unconnected Cluster, which it only
 * duplicates (and closes the duplicates); `templates` keeps it to be dropped on close.
 */
function connectionOf(url: string, templates: Set<Cluster>): RedisOptions | Cluster {
  if (redisOptionsFromUrl(url).clusterNodes === undefined)
    return { ...redisOptionsFromUrl(url), maxRetriesPerRequest: null };
  const template = createRedis(
    url,
    { maxRetriesPerRequest: null, enableOfflineQueue: true },
    { lazyConnect: true, enableOfflineQueue: true },
  );
  if (!(template instanceof Cluster)) throw new Error('expected a Redis Cluster');
  templates.add(template);
  return template;
}

const STATES: Record<string, JobStatus> = {
  waiting: 'QUEUED',
  prioritized: 'QUEUED',
  paused: 'QUEUED',
  'waiting-children': 'QUEUED',
  active: 'ACTIVE',
  completed: 'COMPLETED',
  failed: 'FAILED',
  delayed: 'DELAYED',
};

function dateOf(ms: number | undefined): Date | null {
  return ms === undefined || ms === 0 ? null : new Date(ms);
}

/** What a BullMQ job's data holds: the payload and who enqueued it. */
interface JobData {
  ownerId: string | null;
  payload: unknown;
}

/**
 * Reads a job's data. Jobs enqueued before owners were stored hold the bare payload (a strict
 * object of its type, which never has both keys): those belong to no one.
 */
function dataOf(job: Job): JobData {
  const data: unknown = job.data;
  if (typeof data === 'object' && data !== null && 'ownerId' in data && 'payload' in data) {
    const { ownerId, payload } = data;
    return { ownerId: typeof ownerId === 'string' ? ownerId : null, payload };
  }
  return { ownerId: null, payload: data };
}

/** What may name a job (ours are UUIDs); anything else names none, without a round trip. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;

function toRecord(job: Job, status: JobStatus): JobRecord {
  const finished = status === 'COMPLETED' || status === 'FAILED';
  const { ownerId, payload } = dataOf(job);
  return {
    id: String(job.id),
    type: job.name,
    ownerId,
    payload,
    status,
    attempts: job.attemptsStarted,
    progress: typeof job.progress === 'number' ? job.progress : 0,
    result: status === 'COMPLETED' ? (job.returnvalue ?? null) : null,
    error: status === 'FAILED' || status === 'DELAYED' ? job.failedReason || null : null,
    createdAt: new Date(job.timestamp),
    startedAt: dateOf(job.processedOn),
    finishedAt: finished ? dateOf(job.finishedOn) : null,
  };
}

async function beforeDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnavailableError('the job queue is unavailable; try again shortly')),
      ms,
    );
  });
  try {
    return await Promise.race([redisCall('the job queue', () => work), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The job queue on BullMQ: jobs survive the death of their worker (its lock expires and another
 * worker's stalled-job check runs it again), retries back off exponentially, and every state
 * change reaches every instance through the queue's event stream.
 */
export class BullJobQueue implements JobQueue {
  readonly kind = 'redis';
  readonly #queue: Queue;
  /** The queue's own connection; enqueue checks it is up before adding (see `enqueue`). */
  readonly #connection: RedisClient;
  /** Clusters handed to BullMQ as templates for its own connections (see connectionOf). */
  readonly #templates = new Set<Cluster>();
  readonly #listeners = new Set<(change: JobChange) => void>();
  readonly #workers = new Set<Workers>();
  #events: Promise<QueueEvents> | null = null;
  /** The QueueEvents being opened or open: closed even when it never became ready. */
  #eventsHandle: QueueEvents | null = null;

  constructor(
    private readonly options: BullJobQueueOptions,
    private readonly logger: Logger,
  ) {
    // BullMQ's own start-up commands must wait for the connection rather than fail for good.
    this.#connection = createRedis(
      options.url,
      { connectionName: 'docgate-jobs', enableOfflineQueue: true },
      { enableOfflineQueue: true },
    );
    this.#connection.on('error', (err: Error) => this.logger.debug({ err }, 'job queue connection error'));
    this.#queue = new Queue(QUEUE, {
      connection: this.#connection,
      prefix: this.#prefix,
      defaultJobOptions: {
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs },
        removeOnComplete: { age: options.keepSeconds },
        removeOnFail: { age: options.keepSeconds },
      },
    });
    this.#queue.on('error', (err) => this.logger.warn({ err }, 'job queue connection error'));
  }

  /**
   * Adds only once the connection is up, waiting for it no longer than the deadline, so an
   * enqueue during an outage is refused at once rather than queued in memory. (An add already
   * sent when the connection drops may still land after its refusal.)
   */
  async enqueue(type: string, payload: unknown, ownerId?: string): Promise<JobRecord> {
    const started = Date.now();
    await this.#ready(ENQUEUE_DEADLINE_MS);
    const data: JobData = { ownerId: ownerId ?? null, payload };
    const job = await beforeDeadline(
      // A random id: BullMQ's own are a counter, so anyone could guess another's job.
      this.#queue.add(type, data, { jobId: randomUUID() }),
      ENQUEUE_DEADLINE_MS - (Date.now() - started),
    );
    return toRecord(job, 'QUEUED');
  }

  async get(id: string): Promise<JobRecord | null> {
    if (!ID.test(id)) return null;
    // The job's fields and its state are separate reads: the state is read before and after the
    // fields, and again when it moved, so a record never pairs a state with fields from before it.
    for (let attempt = 1; ; attempt++) {
      const before = await redisCall('the job queue', () => this.#queue.getJobState(id));
      const job = await redisCall('the job queue', () => this.#queue.getJob(id));
      if (job === undefined) return null;
      const after = await redisCall('the job queue', () => job.getState());
      const status = STATES[after];
      if (status === undefined) return null;
      if (before === after || attempt >= 5) return toRecord(job, status);
    }
  }

  async counts(): Promise<QueueCounts> {
    const c = await redisCall('the job queue', () =>
      this.#queue.getJobCounts('waiting', 'prioritized', 'active', 'completed', 'failed', 'delayed'),
    );
    const n = (state: string) => c[state] ?? 0;
    return {
      waiting: n('waiting') + n('prioritized'),
      active: n('active'),
      completed: n('completed'),
      failed: n('failed'),
      delayed: n('delayed'),
    };
  }

  async onChange(listener: (change: JobChange) => void): Promise<() => void> {
    this.#events ??= this.#listen();
    this.#listeners.add(listener);
    try {
      await this.#events;
    } catch (error) {
      this.#listeners.delete(listener);
      this.#events = null;
      throw error;
    }
    return () => this.#listeners.delete(listener);
  }

  work(processor: JobProcessor, concurrency: number): Workers {
    const running = new Set<Promise<unknown>>();
    const worker = new Worker(
      QUEUE,
      async (job: Job) => {
        const run = this.#run(processor, job);
        running.add(run);
        try {
          return await run;
        } finally {
          running.delete(run);
        }
      },
      {
        connection: connectionOf(this.options.url, this.#templates),
        prefix: this.#prefix,
        concurrency,
        lockDuration: this.options.lockMs,
        stalledInterval: this.options.lockMs,
        maxStalledCount: 1,
      },
    );
    worker.on('error', (err) => this.logger.warn({ err }, 'job worker error'));
    worker.on('failed', (job, err) =>
      this.logger.info({ jobId: job?.id, err: err.message }, 'job attempt failed'),
    );
    let closing: Promise<void> | null = null;
    const close = async () => {
      // Take no new job, let the running ones finish (bounded), then close at once: BullMQ's
      // graceful close can hang for good when called while its connection is reconnecting.
      await Promise.race([worker.pause(true), sleep(CLOSE_GRACE_MS, undefined, { ref: false })]);
      await Promise.race([
        Promise.allSettled([...running]),
        sleep(CLOSE_GRACE_MS, undefined, { ref: false }),
      ]);
      await worker.close(true);
      this.#workers.delete(handle);
    };
    const handle: Workers = {
      close: () => {
        closing ??= close();
        return closing;
      },
    };
    this.#workers.add(handle);
    return handle;
  }

  async #run(processor: JobProcessor, job: Job): Promise<unknown> {
    try {
      return await processor({
        id: String(job.id),
        type: job.name,
        payload: dataOf(job).payload,
        attempt: job.attemptsStarted,
        progress: (percent) => job.updateProgress(Math.max(0, Math.min(100, percent))),
      });
    } catch (error) {
      if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#workers].map((w) => w.close()));
    // Not `await this.#events`: a feed opened while Redis was away may never report ready, and
    // waiting for it held shutdown for good (jobs.test.ts, Redis restarted mid-test).
    const events = this.#eventsHandle;
    this.#events = null;
    this.#eventsHandle = null;
    this.#listeners.clear();
    await Promise.all([
      events === null ? undefined : closeWithin(events, EVENTS_CLOSE_MS),
      this.#queue.close(),
    ]);
    await closeRedis(this.#connection);
    for (const template of this.#templates) template.disconnect();
    this.#templates.clear();
  }

  /** Resolves when the connection is up, or throws UnavailableError after `ms`. */
  #ready(ms: number): Promise<void> {
    if (this.#connection.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#connection.off('ready', onReady);
        reject(new UnavailableError('the job queue is unavailable; try again shortly'));
      }, ms);
      this.#connection.once('ready', onReady);
    });
  }

  get #prefix(): string {
    return hashTag(this.#connection, `${this.options.prefix}bull`);
  }

  /**
   * One event-stream reader per instance, reading from the stream's last entry at the time it
   * starts, so no change made after `onChange` resolves is missed.
   */
  async #listen(): Promise<QueueEvents> {
    const key = this.#queue.keys.events ?? `${this.#prefix}:${QUEUE}:events`;
    const last = await redisCall('the job queue', () =>
      this.options.redis.xrevrange(key, '+', '-', 'COUNT', 1),
    );
    const events = new QueueEvents(QUEUE, {
      connection: connectionOf(this.options.url, this.#templates),
      prefix: this.#prefix,
      lastEventId: last[0]?.[0] ?? '0',
    });
    this.#eventsHandle = events;
    events.on('error', (err) => this.logger.warn({ err }, 'job events connection error'));
    const emit = (change: JobChange) => {
      for (const listener of this.#listeners) listener(change);
    };
    // The second argument is the queue event's stream id: it lets each job's log apply a
    // change once, however many instances feed it.
    events.on('waiting', ({ jobId }, source) => emit({ id: jobId, status: 'QUEUED', source }));
    events.on('active', ({ jobId }, source) => emit({ id: jobId, status: 'ACTIVE', source }));
    events.on('delayed', ({ jobId }, source) => emit({ id: jobId, status: 'DELAYED', source }));
    events.on('progress', ({ jobId, data }, source) =>
      emit({ id: jobId, source, ...(typeof data === 'number' ? { progress: data } : {}) }),
    );
    events.on('completed', ({ jobId, returnvalue }, source) =>
      emit({ id: jobId, status: 'COMPLETED', result: returnvalue ?? null, source }),
    );
    events.on('failed', ({ jobId, failedReason }, source) =>
      emit({ id: jobId, status: 'FAILED', error: failedReason, source }),
    );
    events.on('removed', ({ jobId }, source) => emit({ id: jobId, source }));
    await events.waitUntilReady();
    return events;
  }
}
