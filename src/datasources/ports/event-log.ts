import type { JobChange } from './jobs.js';
import type { Topic, Topics } from './pubsub.js';

/**
 * An event as the log keeps it. `id` is a Redis Stream entry id (`<ms>-<seq>`) on every backend:
 * increasing along one log, and what a cursor encodes.
 */
export interface LoggedEvent<T> {
  id: string;
  payload: T;
}

/** How much each log keeps: events younger than `retentionSeconds`, at most `maxLength` of them. */
export interface EventLogOptions {
  retentionSeconds: number;
  maxLength: number;
}

/**
 * One log of events per board / per job (Redis Streams; in process on the embedded default),
 * trimmed by age and by length. Every append also publishes the event, with its id as `cursor`,
 * on the family's pub/sub in the same atomic step: no event is live without being logged, and
 * subscribers see events in log order.
 */
export interface EventLog {
  readonly kind: 'redis' | 'in-process';
  /** Appends (and publishes) `payload`; resolves to its id. */
  append<T extends Topic>(topic: T, key: string, payload: Topics[T]): Promise<string>;
  /**
   * Applies a job change to the job's log and appends the resulting state when it moved:
   * progress never goes down, status only forward (QUEUED, ACTIVE, DELAYED, ACTIVE again, then
   * COMPLETED or FAILED). A change whose `source` (the queue's event id) is not after the last
   * applied one is ignored, so every instance may feed the same changes. Resolves to the state
   * appended (with `cursor`), or null when nothing moved.
   */
  appendJob(change: JobChange): Promise<JobChange | null>;
  /**
   * Up to `count` events after the id `after`, oldest first. Throws CursorExpiredError when an
   * event after `after` was already trimmed.
   */
  range<T extends Topic>(
    topic: T,
    key: string,
    after: string,
    count: number,
  ): Promise<Array<LoggedEvent<Topics[T]>>>;
  /** The newest event kept, or null. */
  last<T extends Topic>(topic: T, key: string): Promise<LoggedEvent<Topics[T]> | null>;
  close(): Promise<void>;
}
