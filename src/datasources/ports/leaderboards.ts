/** A player's place on a board: `rank` is 1 + the number of players with a strictly higher score. */
export interface LeaderboardEntry {
  player: string;
  score: number;
  rank: number;
}

/** One change to a board, computed atomically with it. */
export interface LeaderboardChange extends LeaderboardEntry {
  board: string;
  /** The rank before the change; `null` for a player new to the board. */
  previousRank: number | null;
  /** The change's id in the board's event log (set by submit and increment). */
  cursor?: string;
}

/**
 * Sorted boards (Redis sorted sets). Board order is score descending, then player descending
 * (Redis' ZREVRANGE order), on every backend. Names are validated by the service.
 */
export interface Leaderboards {
  /**
   * Sets the player's score. The change's event is appended to the board's event log and
   * published with it, in the same atomic step (on Redis: one script, one round trip).
   */
  submit(board: string, player: string, score: number): Promise<LeaderboardChange>;
  /** Adds `by` to the player's score; a new player starts at 0. */
  increment(board: string, player: string, by: number): Promise<LeaderboardChange>;
  /** The first `count` entries in board order. */
  top(board: string, count: number): Promise<LeaderboardEntry[]>;
  /** `null` for a player not on the board. */
  entry(board: string, player: string): Promise<LeaderboardEntry | null>;
  /** The player and up to `radius` neighbours each side, in board order; empty when absent. */
  around(board: string, player: string, radius: number): Promise<LeaderboardEntry[]>;
  size(board: string): Promise<number>;
  /** Removes every entry; true when the board had any. */
  reset(board: string): Promise<boolean>;
  /** Every score of every board, streamed (backups); no event is published. */
  entries(): AsyncIterable<{ board: string; player: string; score: number }>;
  /** Sets scores as given (restores); no event is published. */
  load(entries: ReadonlyArray<{ board: string; player: string; score: number }>): Promise<void>;
  /** Removes every board (restore with --drop). */
  clear(): Promise<void>;
  close(): Promise<void>;
}
