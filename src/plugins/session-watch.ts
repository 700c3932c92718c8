import type { Caller } from '../context.js';
import type { EventStream } from '../datasources/ports/pubsub.js';
import type { SessionEnd } from '../datasources/ports/sessions.js';
import { UnauthenticatedError, UnavailableError } from '../errors.js';
import type { Services } from '../services/index.js';

type Ender = (error: Error) => void;

interface Watched {
  accountId: string;
  createdAt: number;
  enders: Set<Ender>;
  timer: NodeJS.Timeout | null;
}

/** setTimeout's longest delay (about 24.8 days); a later expiry is checked then, and again. */
const MAX_DELAY_MS = 2 ** 31 - 1;

const ended = () => new UnauthenticatedError('this session has expired or ended; sign in again');

/**
 * Ends the subscription streams of sessions that end, on this instance: a logout, `logoutAll` or
 * password change anywhere arrives as a `sessionEnded` event (one pub/sub channel per instance),
 * and an expiry is checked once, when the session is due to expire (it may have slid meanwhile:
 * then again at its new expiry). No event of a stream costs a session look-up.
 */
export class SessionWatch {
  readonly #sessions = new Map<string, Watched>();
  #feed: Promise<EventStream<SessionEnd>> | null = null;
  /** watch() calls waiting for the feed: it is not let go under them. */
  #pending = 0;

  constructor(private readonly services: Services) {}

  /** Sessions watched, for leak checks. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * Calls `end` with UNAUTHENTICATED once the caller's session ends (or with UNAVAILABLE when the
   * announcements are lost); the returned function stops watching. Throws when announcements
   * cannot be received (the pub/sub is down).
   */
  async watch(caller: Caller, end: Ender): Promise<() => void> {
    const feed = this.#listen();
    this.#pending++;
    try {
      await feed;
    } finally {
      this.#pending--;
    }
    let watched = this.#sessions.get(caller.sessionId);
    if (watched === undefined) {
      watched = {
        accountId: caller.accountId,
        createdAt: caller.session.createdAt.getTime(),
        enders: new Set(),
        timer: null,
      };
      this.#sessions.set(caller.sessionId, watched);
      this.#schedule(caller.sessionId, watched, caller.session.expiresAt.getTime());
    }
    watched.enders.add(end);
    const entry = watched;
    return () => {
      entry.enders.delete(end);
      if (entry.enders.size === 0) this.#forget(caller.sessionId, entry);
    };
  }

  /** The announcements, listened to while a session is watched here (one channel per instance). */
  #listen(): Promise<EventStream<SessionEnd>> {
    if (this.#feed !== null) return this.#feed;
    const feed: Promise<EventStream<SessionEnd>> = this.services.accounts.sessionEnds().then((stream) => {
      void this.#follow(feed, stream);
      return stream;
    });
    this.#feed = feed;
    feed.catch(() => {
      if (this.#feed === feed) this.#feed = null;
    });
    return feed;
  }

  async #follow(feed: Promise<EventStream<SessionEnd>>, stream: EventStream<SessionEnd>): Promise<void> {
    let lost: Error = new UnavailableError('session announcements ended');
    try {
      for await (const end of stream) this.#ended(end);
    } catch (error) {
      lost = error instanceof Error ? error : new Error(String(error));
    }
    // Not lost when it was let go (nothing watched any more).
    if (this.#feed === feed) this.#lost(lost);
  }

  /** Nothing is watched: stops listening (a new watch listens again). */
  #release(): void {
    if (this.#sessions.size > 0 || this.#pending > 0 || this.#feed === null) return;
    const feed = this.#feed;
    this.#feed = null;
    feed.then(
      (stream) => stream.return(),
      () => undefined,
    );
  }

  #ended(end: SessionEnd): void {
    if (end.sessionId !== null) {
      const watched = this.#sessions.get(end.sessionId);
      if (watched !== undefined) this.#end(end.sessionId, watched, ended());
      return;
    }
    for (const [id, watched] of [...this.#sessions]) {
      if (watched.accountId === end.accountId && id !== end.keep && watched.createdAt <= end.at)
        this.#end(id, watched, ended());
    }
  }

  /** The announcements stopped (pub/sub lost): no stream can be trusted to end on time. */
  #lost(error: Error): void {
    this.#feed = null;
    for (const [id, watched] of [...this.#sessions]) this.#end(id, watched, error);
  }

  #schedule(id: string, watched: Watched, expiresAt: number): void {
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, expiresAt - Date.now()));
    watched.timer = setTimeout(() => void this.#check(id, watched), delay);
    watched.timer.unref();
  }

  async #check(id: string, watched: Watched): Promise<void> {
    watched.timer = null;
    let expiresAt: Date | null;
    try {
      expiresAt = await this.services.accounts.sessionExpiry(id);
    } catch (error) {
      this.#end(id, watched, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.#sessions.get(id) !== watched) return;
    if (expiresAt === null || expiresAt.getTime() <= Date.now()) this.#end(id, watched, ended());
    else this.#schedule(id, watched, expiresAt.getTime());
  }

  #end(id: string, watched: Watched, error: Error): void {
    this.#forget(id, watched);
    for (const end of [...watched.enders]) end(error);
  }

  #forget(id: string, watched: Watched): void {
    if (this.#sessions.get(id) !== watched) return;
    this.#sessions.delete(id);
    if (watched.timer !== null) clearTimeout(watched.timer);
    this.#release();
  }
}
