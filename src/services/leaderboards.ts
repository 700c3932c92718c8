import { z } from 'zod';
import type { EventLog } from '../datasources/ports/event-log.js';
import type { LeaderboardChange, LeaderboardEntry, Leaderboards } from '../datasources/ports/leaderboards.js';
import type { EventStream, PubSub } from '../datasources/ports/pubsub.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { resumable } from './resume.js';
import { parseInput } from './validation.js';

const NAME = /^[A-Za-z0-9_\-:.]+$/;
const ALPHABET = 'letters, digits, _ - : . only';
const board = z.string().min(1, 'must not be empty').max(64, 'at most 64 characters').regex(NAME, ALPHABET);
const player = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'at most 128 characters')
  .regex(NAME, ALPHABET);
// Scores stay where doubles count exactly, so increments never round and ranks never tie by accident.
const score = z.number().finite().min(-1e15, 'at least -1e15').max(1e15, 'at most 1e15');

const change = z.object({ board, player, score });
const increment = z.object({ board, player, by: score });
const boardOnly = z.object({ board });
const top = z.object({ board, first: z.number().int().min(1, 'at least 1').max(100, 'at most 100') });
const entry = z.object({ board, player });
const around = z.object({
  board,
  player,
  radius: z.number().int().min(0, 'at least 0').max(50, 'at most 50'),
});

/** A change as `leaderboardUpdated` delivers it: with its opaque cursor. */
export type LeaderboardEvent = LeaderboardChange & { cursor: string };

/**
 * Boards: validation of names and numbers, and one `leaderboardUpdated` event per change (the
 * boards adapter logs and publishes it with the change, atomically).
 */
export class LeaderboardService {
  constructor(
    private readonly boards: Leaderboards,
    private readonly pubsub: PubSub,
    private readonly events: EventLog,
  ) {}

  async submit(input: { board: string; player: string; score: number }): Promise<LeaderboardEntry> {
    const v = parseInput(change, input);
    return entryOf(await this.boards.submit(v.board, v.player, v.score));
  }

  async increment(input: { board: string; player: string; by: number }): Promise<LeaderboardEntry> {
    const v = parseInput(increment, input);
    return entryOf(await this.boards.increment(v.board, v.player, v.by));
  }

  /** Checks a board name; the board's fields take it from there. */
  board(name: string): string {
    return parseInput(boardOnly, { board: name }).board;
  }

  top(input: { board: string; first: number }): Promise<LeaderboardEntry[]> {
    const v = parseInput(top, input);
    return this.boards.top(v.board, v.first);
  }

  entry(input: { board: string; player: string }): Promise<LeaderboardEntry | null> {
    const v = parseInput(entry, input);
    return this.boards.entry(v.board, v.player);
  }

  around(input: { board: string; player: string; radius: number }): Promise<LeaderboardEntry[]> {
    const v = parseInput(around, input);
    return this.boards.around(v.board, v.player, v.radius);
  }

  size(name: string): Promise<number> {
    return this.boards.size(this.board(name));
  }

  reset(name: string): Promise<boolean> {
    return this.boards.reset(this.board(name));
  }

  /**
   * Every change to the board after `after` (a cursor of this board's events), then every change
   * from now on, from any instance; without `after`, from now on.
   */
  async updates(name: string, after?: string | null): Promise<EventStream<LeaderboardEvent>> {
    const board = this.board(name);
    const topic = 'leaderboardUpdated';
    const from = after == null ? null : decodeCursor(topic, board, after);
    return resumable(
      {
        live: () => this.pubsub.subscribe(topic, board),
        range: (id, count) => this.events.range(topic, board, id, count),
        latest: async () => (await this.events.last(topic, board))?.id ?? null,
      },
      from,
      (change, id): LeaderboardEvent => ({ ...change, cursor: encodeCursor(topic, board, id) }),
    );
  }
}

function entryOf(changed: LeaderboardChange): LeaderboardEntry {
  return { player: changed.player, score: changed.score, rank: changed.rank };
}
