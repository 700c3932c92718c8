import type { JobChange } from './jobs.js';
import type { LeaderboardChange } from './leaderboards.js';
import type { SessionEnd } from './sessions.js';

/**
 * Every pub/sub topic and the payload its events carry. Events are published per key (a board
 * name, a job id) and subscribers listen to one key of one topic.
 */
export interface Topics {
  /** A score changed on a board (key: the board). */
  leaderboardUpdated: LeaderboardChange;
  /** A job's status or progress changed (key: the job id). */
  jobUpdated: JobChange;
  /** Sessions ended (logout, logoutAll, password change); key: `all`, one channel for every account. */
  sessionEnded: SessionEnd;
}

export type Topic = keyof Topics;

/** Open subscriptions, for leak checks and metrics. */
export interface PubSubStats {
  /** Distinct topic:key channels listened to (on Redis: SUBSCRIBEd). */
  channels: number;
  /** Open subscriber streams over all channels. */
  listeners: number;
}

/** A subscriber's stream: ends when it calls `return()`, or with an error when the source is lost. */
export type EventStream<T> = AsyncIterableIterator<T> & { return(): Promise<IteratorResult<T>> };

/** Publish/subscribe between the parts of one instance, or across instances (Redis). */
export interface PubSub {
  readonly kind: 'redis' | 'in-process';
  /** Delivers `payload` to every subscriber of `topic`/`key`. Throws UnavailableError when it cannot. */
  publish<T extends Topic>(topic: T, key: string, payload: Topics[T]): Promise<void>;
  /**
   * Resolves once listening: every event published after that reaches the stream. Throws
   * UnavailableError when the transport is down; a stream open when its connection is lost ends
   * with an UnavailableError.
   */
  subscribe<T extends Topic>(topic: T, key: string): Promise<EventStream<Topics[T]>>;
  stats(): PubSubStats;
  close(): Promise<void>;
}
