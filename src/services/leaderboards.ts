import { z } from 'zod';
import type { LeaderboardChange, LeaderboardEntry, Leaderboards } from '../datasources/ports/leaderboards.js';
import type { EventStream, PubSub } from '../datasources/ports/pubsub.js';
import type { Logger } from '../logger.js';
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

/** Boards: validation of names and numbers, and one `leaderboardUpdated` event per change. */
export class LeaderboardService {
  constructor(
    private readonly boards: Leaderboards,
    private readonly pubsub: PubSub,
    private readonly logger: Logger,
  ) {}

  async submit(input: { board: string; player: string; score: number }): Promise<LeaderboardEntry> {
    const v = parseInput(change, input);
    return this.#announce(await this.boards.submit(v.board, v.player, v.score));
  }

  async increment(input: { board: string; player: string; by: number }): Promise<LeaderboardEntry> {
    const v = parseInput(increment, input);
    return this.#announce(await this.boards.increment(v.board, v.player, v.by));
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

  /** Every change to the board from now on, from any instance. */
  updates(name: string): Promise<EventStream<LeaderboardChange>> {
    return this.pubsub.subscribe('leaderboardUpdated', this.board(name));
  }

  /** The change is stored either way; an event that cannot be sent is logged, not the caller's failure. */
  async #announce(changed: LeaderboardChange): Promise<LeaderboardEntry> {
    await this.pubsub.publish('leaderboardUpdated', changed.board, changed).catch((err: unknown) => {
      this.logger.warn({ err, board: changed.board }, 'leaderboard event not sent');
    });
    return { player: changed.player, score: changed.score, rank: changed.rank };
  }
}
