/** A job's lifecycle: QUEUED -> ACTIVE -> COMPLETED | FAILED, or DELAYED (waiting for a retry) -> QUEUED. */
export type JobStatus = 'QUEUED' | 'ACTIVE' | 'COMPLETED' | 'FAILED' | 'DELAYED';

export interface JobRecord {
  /** Random (a UUID), so a job cannot be found by guessing. */
  id: string;
  type: string;
  /** The account that enqueued it; null for a job enqueued without one. */
  ownerId: string | null;
  payload: unknown;
  status: JobStatus;
  /** Attempts started so far. */
  attempts: number;
  /** 0..100. */
  progress: number;
  /** The processor's result once COMPLETED, else null. */
  result: unknown;
  /** Why the last attempt failed, else null. */
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

/** One change of a job as its queue reports it: the fields the change set. */
export interface JobChange {
  id: string;
  status?: JobStatus;
  progress?: number;
  result?: unknown;
  error?: string | null;
  /** The queue's own id for the event (BullMQ's event stream id), so a log applies it once. */
  source?: string;
  /** The job log's id for this state (see EventLog.appendJob). */
  cursor?: string;
}

/** What a processor sees of the job it runs. */
export interface RunningJob {
  id: string;
  type: string;
  payload: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** Reports progress, 0..100. */
  progress(percent: number): Promise<void>;
}

/** Runs one job and returns its result (JSON). Throwing PermanentJobError fails the job without retry. */
export type JobProcessor = (job: RunningJob) => Promise<unknown>;

/** Workers running in this process. */
export interface Workers {
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
}

export interface JobQueueOptions {
  /** Attempts per job, the first included. */
  attempts: number;
  /** First retry delay; doubled at each further retry. */
  backoffMs: number;
  /** How long finished jobs (and their results) are kept. */
  keepSeconds: number;
}

/**
 * A durable job queue (BullMQ on Redis, in-process on the embedded default): same states, same
 * events. A job whose worker dies mid-run is run again.
 */
export interface JobQueue {
  readonly kind: 'redis' | 'in-process';
  /**
   * Adds a job under a new random id, owned by `ownerId` when given; throws UnavailableError
   * (within a second) when the queue cannot take it.
   */
  enqueue(type: string, payload: unknown, ownerId?: string): Promise<JobRecord>;
  /** `null` for an unknown (or expired) id. */
  get(id: string): Promise<JobRecord | null>;
  counts(): Promise<QueueCounts>;
  /**
   * Calls `listener` with every change of a job's status or progress, by any worker anywhere,
   * from the moment the returned promise resolves; it resolves to the function that stops it.
   */
  onChange(listener: (change: JobChange) => void): Promise<() => void>;
  /** Starts `concurrency` workers in this process. */
  work(processor: JobProcessor, concurrency: number): Workers;
  close(): Promise<void>;
}
