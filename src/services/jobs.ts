import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { DocumentStore, StoredDoc } from '../datasources/ports/documents.js';
import { compareEventIds, parseEventId } from '../datasources/ports/event-ids.js';
import type { EventLog } from '../datasources/ports/event-log.js';
import type {
  JobChange,
  JobQueue,
  JobRecord,
  QueueCounts,
  RunningJob,
  Workers,
} from '../datasources/ports/jobs.js';
import type { EventStream, PubSub } from '../datasources/ports/pubsub.js';
import type { RateLimiter } from '../datasources/ports/rate-limiter.js';
import {
  BadInputError,
  ConflictError,
  NotFoundError,
  PermanentJobError,
  RateLimitedError,
} from '../errors.js';
import { EventQueue } from '../event-queue.js';
import type { Logger } from '../logger.js';
import type { Caller } from './accounts.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import type { CustomerService } from './customers.js';
import { newId } from './ids.js';
import { INDEXES } from './indexes.js';
import { resumable } from './resume.js';
import { email, parseInput, text } from './validation.js';

/** Each job type's payload, checked at enqueue. */
const PAYLOADS = {
  generate_report: z.object({ report: z.literal('customersByCity') }).strict(),
  send_email: z
    .object({ to: email, subject: text(200), body: z.string().max(100_000, 'at most 100000 characters') })
    .strict(),
} as const;

type JobType = keyof typeof PAYLOADS;

/**
 * What a send_email job carries: the payload, the message id chosen at enqueue (so a re-run
 * stores it once) and the account whose outbox quota it counts against (absent on older jobs).
 */
const emailJob = PAYLOADS.send_email.extend({ messageId: z.string(), accountId: z.string().optional() });

export interface OutboxMessage extends StoredDoc {
  to: string;
  subject: string;
  body: string;
  jobId: string;
  accountId?: string;
  storedAt: Date;
}

export interface JobServiceOptions {
  /** Pause after each progress report (JOB_STEP_DELAY_MS). */
  stepDelayMs: number;
  /** One point per enqueued job, keyed by account (JOB_QUOTA_PER_ACCOUNT per 24 h). */
  quota: RateLimiter;
  /** Messages one account may hold in the outbox (OUTBOX_QUOTA_PER_ACCOUNT). */
  outboxQuota: number;
}

export const OUTBOX = 'outbox';

function isJobType(type: string): type is JobType {
  return Object.hasOwn(PAYLOADS, type);
}

function isFinal(job: JobRecord): boolean {
  return job.status === 'COMPLETED' || job.status === 'FAILED';
}

/** A job as `jobUpdated` delivers it: with the cursor of the event that left it so. */
export type JobEvent = JobRecord & { cursor: string };

const TOPIC = 'jobUpdated';

export class JobService {
  #feed: Promise<() => void> | null = null;
  /** Open `jobUpdated` streams, for leak checks. */
  #watching = 0;

  /**
   * @param events each job's log: this instance feeds the queue's changes into it (every
   *   instance may; each change is applied once), and `jobUpdated` replays and follows it.
   * @param pubsub where the log publishes each job event, across instances.
   */
  constructor(
    private readonly queue: JobQueue,
    private readonly events: EventLog,
    private readonly pubsub: PubSub,
    private readonly documents: DocumentStore,
    private readonly customers: CustomerService,
    private readonly options: JobServiceOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * Checks the payload, then the account's quotas (its outbox, then its jobs per 24 h), then
   * queues the job, owned by the caller: only it and ADMINs will see it. A refused payload spends
   * no quota.
   */
  async enqueue(type: string, payload: unknown, owner: Caller): Promise<JobRecord> {
    const { accountId } = owner;
    if (!isJobType(type)) {
      throw new BadInputError(`unknown job type; one of ${Object.keys(PAYLOADS).join(', ')}`, 'type');
    }
    const data = parseInput(PAYLOADS[type], payload ?? {}, 'payload');
    if (type === 'send_email' && (await this.#outboxFull(accountId)))
      throw new ConflictError(
        `this account's outbox holds its quota of ${this.options.outboxQuota} messages`,
      );
    const spent = await this.options.quota.consume(accountId);
    if (!spent.allowed) {
      const retryAfter = Math.max(1, Math.ceil((spent.resetAt.getTime() - Date.now()) / 1000));
      throw new RateLimitedError(`this account has enqueued its quota of ${spent.limit} jobs`, retryAfter);
    }
    await this.#listen();
    return this.queue.enqueue(
      type,
      type === 'send_email' ? { ...data, messageId: newId(), accountId } : data,
      accountId,
    );
  }

  /** The outbox's index on its accounts, so a quota check counts one account's messages only. */
  async ensureIndexes(): Promise<void> {
    await this.documents.collection<OutboxMessage>(OUTBOX).ensureIndexes(INDEXES.outbox);
  }

  async #outboxFull(accountId: string): Promise<boolean> {
    const held = await this.documents.collection<OutboxMessage>(OUTBOX).count({ accountId });
    return held >= this.options.outboxQuota;
  }

  /**
   * The job as `viewer` may see it: `null` for an id that names no job (or one expired after
   * 24 h) and for another account's job, unless the viewer is an ADMIN, so a job's result and
   * error (a recipient's address) reach no one else.
   */
  async get(id: string, viewer: Caller): Promise<JobRecord | null> {
    const job = await this.#read(id);
    return job !== null && (viewer.role === 'ADMIN' || job.ownerId === viewer.accountId) ? job : null;
  }

  #read(id: string): Promise<JobRecord | null> {
    return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? this.queue.get(id) : Promise.resolve(null);
  }

  counts(): Promise<QueueCounts> {
    return this.queue.counts();
  }

  /**
   * Without `after`: the job's current state, then each change until it finishes. With `after`
   * (a cursor of this job's events): every event after it, then each change until it finishes.
   * The job's log orders the events, so progress never goes down and status only moves forward.
   */
  async watch(id: string, viewer: Caller, after?: string | null): Promise<EventStream<JobEvent>> {
    await this.#listen();
    const from = after == null ? null : decodeCursor(TOPIC, id, after);
    const record = await this.get(id, viewer);
    if (record === null) throw new NotFoundError('no job with this id', { field: 'id' });
    let latest = await this.events.last(TOPIC, id);
    // A job logged before the log kept it (or before any instance fed it): its state starts the log.
    if (latest === null) {
      const { status, progress, result, error } = record;
      const state = await this.events.appendJob({ id, status, progress, result, error });
      latest = await this.events.last(TOPIC, id);
      if (state === null && latest === null) throw new NotFoundError('no job with this id', { field: 'id' });
    }
    const start = from ?? latest?.id ?? null;
    const out = new EventQueue<JobEvent>(() => {
      this.#watching--;
      void changes?.return();
    });
    this.#watching++;
    let changes: EventStream<JobChange & { cursor: string }> | null = null;
    try {
      changes = await resumable(
        {
          live: () => this.pubsub.subscribe(TOPIC, id),
          range: (after, count) => this.events.range(TOPIC, id, after, count),
          latest: async () => (await this.events.last(TOPIC, id))?.id ?? null,
        },
        start,
        (change, logId) => ({ ...change, cursor: logId }),
      );
    } catch (error) {
      out.end();
      throw error;
    }
    let last = record;
    if (from === null && latest !== null) {
      last = overlay(record, latest.payload);
      out.push({ ...last, cursor: encodeCursor(TOPIC, id, latest.id) });
      if (isFinal(last)) {
        out.end();
        return out;
      }
    } else if (latest !== null && isFinal(overlay(record, latest.payload)) && !newerThan(latest.id, start)) {
      // Resumed at (or past) the final event: nothing more will come.
      out.end();
      return out;
    }
    void this.#follow(last, changes, out);
    return out;
  }

  /** Open `jobUpdated` streams, for leak checks. */
  get watchers(): number {
    return this.#watching;
  }

  /** Starts `concurrency` workers in this process (the gateway's own, or `npm run worker`). */
  work(concurrency: number): Workers {
    return this.queue.work(this.process, concurrency);
  }

  /** Runs one job: what `npm run worker` and the in-process workers execute. */
  readonly process = async (job: RunningJob): Promise<unknown> => {
    switch (job.type) {
      case 'generate_report':
        return this.#report(job);
      case 'send_email':
        return this.#sendEmail(job);
      default:
        throw new PermanentJobError(`unknown job type ${job.type}`);
    }
  };

  async close(): Promise<void> {
    const feed = this.#feed;
    this.#feed = null;
    if (feed !== null) (await feed.catch(() => () => undefined))();
  }

  /**
   * Feeds the queue's changes into the jobs' logs, from the first enqueue or watch on: each
   * instance that may hold a subscriber runs one, so the log has every change while any runs.
   */
  async #listen(): Promise<void> {
    this.#feed ??= this.queue
      .onChange((change) => this.#forward(change))
      .catch((error: unknown) => {
        this.#feed = null;
        throw error;
      });
    await this.#feed;
  }

  /** Issued in arrival order on one connection, so each log applies this instance's changes in order. */
  #forward(change: JobChange): void {
    this.events.appendJob(change).catch((err: unknown) => {
      this.logger.warn({ err, jobId: change.id }, 'job event not logged');
    });
  }

  /**
   * Turns the job's logged states into records until it finishes. Status and progress are the
   * log's (ordered); a status change re-reads the job for its attempts and times only, so a
   * late read can no longer put an older status or progress after a newer one.
   */
  async #follow(
    first: JobRecord,
    changes: EventStream<JobChange & { cursor: string }>,
    out: EventQueue<JobEvent>,
  ): Promise<void> {
    let last = first;
    try {
      for (let next = await changes.next(); next.done !== true; next = await changes.next()) {
        const change = next.value;
        let base: JobRecord | null = last;
        if (change.status !== undefined && change.status !== last.status) base = await this.#read(first.id);
        if (base === null) break;
        last = overlay(base, change);
        out.push({ ...last, cursor: encodeCursor(TOPIC, first.id, change.cursor) });
        if (isFinal(last)) break;
      }
      out.end();
    } catch (error) {
      out.end(error);
    }
  }

  async #step(job: RunningJob, percent: number): Promise<void> {
    await job.progress(percent);
    if (this.options.stepDelayMs > 0) await sleep(this.options.stepDelayMs);
  }

  async #report(job: RunningJob): Promise<unknown> {
    await this.#step(job, 10);
    const rows = await this.customers.statsByCity();
    await this.#step(job, 100);
    return { rows };
  }

  async #sendEmail(job: RunningJob): Promise<unknown> {
    const message = emailJob.safeParse(job.payload);
    if (!message.success) throw new PermanentJobError('malformed send_email payload');
    const { to, subject, body, messageId, accountId } = message.data;
    // RFC 2606 reserves .invalid: such an address can never be delivered, so retrying is pointless.
    // The error names no address: it is logged, and kept with the job.
    if (to.toLowerCase().endsWith('.invalid'))
      throw new PermanentJobError('cannot deliver to an address under the reserved .invalid domain');
    await this.#step(job, 10);
    const outbox = this.documents.collection<OutboxMessage>(OUTBOX);
    // Jobs accepted together can overfill the outbox; a re-run of a stored message is not new.
    if (
      accountId !== undefined &&
      (await outbox.findOne({ _id: messageId })) === null &&
      (await this.#outboxFull(accountId))
    )
      throw new PermanentJobError(`the outbox holds its quota of ${this.options.outboxQuota} messages`);
    await outbox.findOneAndUpdate(
      { _id: messageId },
      {
        $set: { to, subject, body, jobId: job.id, storedAt: new Date(), ...(accountId ? { accountId } : {}) },
      },
      { upsert: true },
    );
    await this.#step(job, 100);
    this.logger.info({ jobId: job.id, messageId }, 'email stored in the outbox');
    return { messageId };
  }
}

/** The record with the logged state's status, progress, result and error. */
function overlay(record: JobRecord, state: JobChange): JobRecord {
  return settle({
    ...record,
    status: state.status ?? record.status,
    progress: state.progress ?? record.progress,
    result: state.result ?? null,
    error: state.error ?? null,
  });
}

function newerThan(id: string, than: string | null): boolean {
  const a = parseEventId(id);
  const b = than === null ? null : parseEventId(than);
  return a !== null && (b === null || compareEventIds(a, b) > 0);
}

/** Result only when completed, error only when failed or waiting for a retry. */
function settle(job: JobRecord): JobRecord {
  return {
    ...job,
    result: job.status === 'COMPLETED' ? job.result : null,
    error: job.status === 'FAILED' || job.status === 'DELAYED' ? job.error : null,
  };
}
