import { CursorExpiredError } from '../../errors.js';
import { applyJobChange, type JobState } from '../job-order.js';
import {
  compareEventIds,
  type EventId,
  formatEventId,
  nextEventId,
  parseEventId,
} from '../ports/event-ids.js';
import type { EventLog, EventLogOptions, LoggedEvent } from '../ports/event-log.js';
import type { JobChange } from '../ports/jobs.js';
import type { PubSub, Topic, Topics } from '../ports/pubsub.js';

interface Entry {
  id: EventId;
  payload: unknown;
  /** Jobs only: the state the entry leaves the job in. */
  job?: JobState;
}

interface Log {
  entries: Entry[];
  /** The newest id ever appended (ids never repeat, even after a trim). */
  lastId: EventId | null;
  /** The newest id trimmed away: a cursor before it has lost events. */
  maxDeleted: EventId | null;
}

/** How often (appends) every log is swept of aged events, so idle logs do not stay forever. */
const SWEEP_EVERY = 1000;

/**
 * The embedded default's event log: the same ids, trimming and cursor checks as the Redis
 * Streams one. Append and publish run in one synchronous step, as the Redis script does.
 */
export class MemoryEventLog implements EventLog {
  readonly kind = 'in-process';
  readonly #logs = new Map<string, Log>();
  #appends = 0;

  constructor(
    private readonly options: EventLogOptions,
    private readonly pubsub: PubSub,
  ) {}

  async append<T extends Topic>(topic: T, key: string, payload: Topics[T]): Promise<string> {
    return this.appendNow(topic, key, payload);
  }

  /** Synchronous, for adapters that change state and log it in one step (memory leaderboards). */
  appendNow<T extends Topic>(topic: T, key: string, payload: Topics[T], job?: JobState): string {
    const name = `${topic}:${key}`;
    const now = Date.now();
    // A new log may follow events no longer kept: a cursor older than the retention is past it.
    const log = this.#logs.get(name) ?? {
      entries: [],
      lastId: null,
      maxDeleted: { ms: now - this.options.retentionSeconds * 1000, seq: 0 },
    };
    this.#logs.set(name, log);
    const id = nextEventId(log.lastId, now);
    log.lastId = id;
    log.entries.push({ id, payload, ...(job === undefined ? {} : { job }) });
    this.#trim(log, now);
    if (++this.#appends % SWEEP_EVERY === 0) this.#sweep();
    const cursor = formatEventId(id);
    // In process, publish delivers synchronously: nothing else runs between append and delivery.
    void this.pubsub.publish(topic, key, { ...payload, cursor });
    return cursor;
  }

  async appendJob(change: JobChange): Promise<JobChange | null> {
    const log = this.#logs.get(`jobUpdated:${change.id}`);
    const last = log?.entries.at(-1)?.job ?? null;
    const state = applyJobChange(last, change);
    if (state === null) return null;
    const { status, progress, result, error } = state;
    const payload: JobChange = { id: change.id, status, progress, result, error };
    const cursor = this.appendNow('jobUpdated', change.id, payload, state);
    return { ...payload, cursor };
  }

  async range<T extends Topic>(
    topic: T,
    key: string,
    after: string,
    count: number,
  ): Promise<Array<LoggedEvent<Topics[T]>>> {
    const from = parseEventId(after);
    if (from === null) throw new TypeError(`not an event id: ${after}`);
    const log = this.#logs.get(`${topic}:${key}`);
    const now = Date.now();
    if (log !== undefined) this.#trim(log, now);
    if (log === undefined || log.entries.length === 0) {
      // Nothing kept: events after the cursor may only have aged out if the cursor has.
      if (from.ms < now - this.options.retentionSeconds * 1000) throw this.#expired();
      return [];
    }
    if (log.maxDeleted !== null && compareEventIds(log.maxDeleted, from) > 0) throw this.#expired();
    const out: Array<LoggedEvent<Topics[T]>> = [];
    for (const entry of log.entries) {
      if (compareEventIds(entry.id, from) <= 0) continue;
      // Entries of this log were appended as this topic's payloads.
      out.push({ id: formatEventId(entry.id), payload: entry.payload as Topics[T] });
      if (out.length >= count) break;
    }
    return out;
  }

  async last<T extends Topic>(topic: T, key: string): Promise<LoggedEvent<Topics[T]> | null> {
    const entry = this.#logs.get(`${topic}:${key}`)?.entries.at(-1);
    return entry === undefined ? null : { id: formatEventId(entry.id), payload: entry.payload as Topics[T] };
  }

  /** Events held over all logs, for the memory-bound tests and the bench. */
  get size(): number {
    let n = 0;
    for (const log of this.#logs.values()) n += log.entries.length;
    return n;
  }

  async close(): Promise<void> {
    this.#logs.clear();
  }

  #expired(): CursorExpiredError {
    return new CursorExpiredError('this cursor is older than the events kept; refetch, then subscribe anew');
  }

  #trim(log: Log, now: number): void {
    const oldest = now - this.options.retentionSeconds * 1000;
    let drop = Math.max(0, log.entries.length - this.options.maxLength);
    while (drop < log.entries.length && (log.entries[drop]?.id.ms ?? now) < oldest) drop++;
    if (drop === 0) return;
    const removed = log.entries.splice(0, drop);
    const newest = removed.at(-1);
    if (newest !== undefined) log.maxDeleted = newest.id;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [name, log] of this.#logs) {
      this.#trim(log, now);
      // Idle for twice the retention (as a Redis stream expires): nothing a cursor could need.
      const idle = log.lastId === null || log.lastId.ms < now - 2 * this.options.retentionSeconds * 1000;
      if (log.entries.length === 0 && idle) this.#logs.delete(name);
    }
  }
}
