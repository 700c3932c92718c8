import { setTimeout as sleep } from 'node:timers/promises';
import { compareEventIds, parseEventId } from '../datasources/ports/event-ids.js';
import type { LoggedEvent } from '../datasources/ports/event-log.js';
import type { EventStream } from '../datasources/ports/pubsub.js';
import { AppError, UnavailableError } from '../errors.js';

/** Events read from the log per round trip while catching up: what a replay holds at a time. */
export const REPLAY_PAGE = 100;
/** How long a stream tries to get its live feed back after losing it before it ends. */
const RECOVER_MS = 5_000;

/** Where a resumable stream reads: the live feed (pub/sub) and the log behind it. */
export interface ResumeSource<T> {
  /** Resolves once listening; events carry `cursor`, their log id. */
  live(): Promise<EventStream<T & { cursor?: string }>>;
  /** Up to `count` logged events after `after`, oldest first. */
  range(after: string, count: number): Promise<Array<LoggedEvent<T>>>;
  /** The newest logged event's id, or null. */
  latest(): Promise<string | null>;
}

function newer(id: string, than: string | null): boolean {
  if (than === null) return true;
  const a = parseEventId(id);
  const b = parseEventId(than);
  return a === null || b === null || compareEventIds(a, b) > 0;
}

/**
 * The events after `after` (a log id; null: from now, i.e. after the newest logged event), then
 * the live ones, none skipped and none twice. Live listening starts first; the log is then read a page at a time, only as the
 * reader asks (a slow reader holds one page, not the backlog); live events already replayed are
 * dropped at the seam by their ids. When the live feed ends with an error (Redis lost, or a
 * reader too slow for its buffer) the stream listens again and re-reads the log from the last
 * event it delivered, so it goes on without a gap; after RECOVER_MS of failures it ends with
 * SERVICE_UNAVAILABLE. The first page is read before this resolves, so an expired cursor fails
 * the subscription itself.
 */
export async function resumable<T, U>(
  source: ResumeSource<T>,
  after: string | null,
  deliver: (payload: T, id: string) => U,
): Promise<EventStream<U>> {
  // Without a cursor, "now" is the newest logged event, read before listening: an event logged
  // in between is then replayed, and the stream has a place to resume from if its feed drops.
  const from = after ?? (await source.latest());
  const live = await source.live();
  let page: Array<LoggedEvent<T>> = [];
  try {
    if (from !== null) page = await source.range(from, REPLAY_PAGE);
  } catch (error) {
    await live.return();
    throw error;
  }
  return new ResumingStream(source, live, from, page, deliver);
}

class ResumingStream<T, U> implements EventStream<U> {
  #catchingUp: boolean;
  #closed = false;
  /** When the current run of failures began; null while events flow. */
  #failingSince: number | null = null;

  constructor(
    private readonly source: ResumeSource<T>,
    private live: EventStream<T & { cursor?: string }>,
    /** The id of the last event delivered (or the start), where a re-read begins. */
    private last: string | null,
    private page: Array<LoggedEvent<T>>,
    private readonly deliver: (payload: T, id: string) => U,
  ) {
    this.#catchingUp = page.length === REPLAY_PAGE;
  }

  async next(): Promise<IteratorResult<U>> {
    while (!this.#closed) {
      const logged = this.page.shift();
      if (logged !== undefined) {
        this.last = logged.id;
        this.#failingSince = null;
        return { value: this.deliver(logged.payload, logged.id), done: false };
      }
      try {
        if (this.#catchingUp && this.last !== null) {
          this.page = await this.source.range(this.last, REPLAY_PAGE);
          this.#catchingUp = this.page.length === REPLAY_PAGE;
          continue;
        }
        const next = await this.live.next();
        if (next.done === true) break;
        const { cursor } = next.value;
        if (cursor === undefined || !newer(cursor, this.last)) continue;
        this.last = cursor;
        this.#failingSince = null;
        return { value: this.deliver(next.value, cursor), done: false };
      } catch (error) {
        if (this.#closed) break;
        if (error instanceof AppError && !(error instanceof UnavailableError)) throw error;
        if (this.#failingSince !== null && Date.now() - this.#failingSince > RECOVER_MS)
          throw new UnavailableError('realtime events are unavailable; resume from the last cursor');
        await this.#recover();
      }
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<U>> {
    this.#closed = true;
    this.page = [];
    await this.live.return();
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<U>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Listens again and re-reads the log from the last event delivered; gives up after RECOVER_MS. */
  async #recover(): Promise<void> {
    if (this.last === null) throw new UnavailableError('realtime events were interrupted; subscribe again');
    await this.live.return().catch(() => undefined);
    this.#failingSince ??= Date.now();
    for (let wait = 50; !this.#closed; wait = Math.min(wait * 2, 1000)) {
      // Never a hot loop: a log read that keeps failing comes back here after each listen.
      await sleep(wait);
      try {
        this.live = await this.source.live();
        this.#catchingUp = true;
        return;
      } catch {
        if (Date.now() - this.#failingSince > RECOVER_MS)
          throw new UnavailableError('realtime events are unavailable; resume from the last cursor');
      }
    }
  }
}
