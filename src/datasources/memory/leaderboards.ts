import type { LeaderboardChange, LeaderboardEntry, Leaderboards } from '../ports/leaderboards.js';
import { rankInOrder } from '../ranks.js';
import type { MemoryEventLog } from './event-log.js';

/** Board order: score descending, then player descending (as Redis' ZREVRANGE orders ties). */
function byBoardOrder(a: { player: string; score: number }, b: { player: string; score: number }): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.player < b.player ? 1 : a.player > b.player ? -1 : 0;
}

/** Boards in process memory, with the same order and ranks as the Redis sorted sets. */
export class MemoryLeaderboards implements Leaderboards {
  readonly #boards = new Map<string, Map<string, number>>();

  /** @param events the log each change's event is appended to, in the same synchronous step. */
  constructor(private readonly events: MemoryEventLog) {}

  async submit(board: string, player: string, score: number): Promise<LeaderboardChange> {
    return this.#change(board, player, () => score);
  }

  async increment(board: string, player: string, by: number): Promise<LeaderboardChange> {
    return this.#change(board, player, (old) => (old ?? 0) + by);
  }

  async top(board: string, count: number): Promise<LeaderboardEntry[]> {
    return rankInOrder(this.#ordered(board).slice(0, count), 0, 1);
  }

  async entry(board: string, player: string): Promise<LeaderboardEntry | null> {
    const score = this.#boards.get(board)?.get(player);
    return score === undefined ? null : { player, score, rank: this.#rankOf(board, score) };
  }

  async around(board: string, player: string, radius: number): Promise<LeaderboardEntry[]> {
    const ordered = this.#ordered(board);
    const index = ordered.findIndex((e) => e.player === player);
    const first = Math.max(index - radius, 0);
    const window = ordered.slice(first, index + radius + 1);
    const head = window[0];
    if (index === -1 || head === undefined) return [];
    return rankInOrder(window, first, this.#rankOf(board, head.score));
  }

  async size(board: string): Promise<number> {
    return this.#boards.get(board)?.size ?? 0;
  }

  async reset(board: string): Promise<boolean> {
    return this.#boards.delete(board);
  }

  async *entries(): AsyncIterable<{ board: string; player: string; score: number }> {
    for (const [board, scores] of [...this.#boards]) {
      for (const [player, score] of [...scores]) yield { board, player, score };
    }
  }

  async load(entries: ReadonlyArray<{ board: string; player: string; score: number }>): Promise<void> {
    for (const { board, player, score } of entries) {
      const scores = this.#boards.get(board) ?? new Map<string, number>();
      this.#boards.set(board, scores);
      scores.set(player, score);
    }
  }

  async clear(): Promise<void> {
    this.#boards.clear();
  }

  async close(): Promise<void> {
    this.#boards.clear();
  }

  /**
   * Synchronous from read to write and to the event's append and delivery, so no other change
   * interleaves and none exists without its event (as the Redis script).
   */
  #change(board: string, player: string, next: (old: number | undefined) => number): LeaderboardChange {
    const scores = this.#boards.get(board) ?? new Map<string, number>();
    this.#boards.set(board, scores);
    const old = scores.get(player);
    const previousRank = old === undefined ? null : this.#rankOf(board, old);
    const score = next(old);
    scores.set(player, score);
    const change = { board, player, score, rank: this.#rankOf(board, score), previousRank };
    return { ...change, cursor: this.events.appendNow('leaderboardUpdated', board, change) };
  }

  #rankOf(board: string, score: number): number {
    let higher = 0;
    for (const other of this.#boards.get(board)?.values() ?? []) if (other > score) higher++;
    return higher + 1;
  }

  #ordered(board: string): Array<{ player: string; score: number }> {
    return [...(this.#boards.get(board) ?? new Map<string, number>())]
      .map(([player, score]) => ({ player, score }))
      .sort(byBoardOrder);
  }
}
