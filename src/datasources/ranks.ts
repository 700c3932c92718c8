import type { LeaderboardEntry } from './ports/leaderboards.js';

/**
 * Ranks for a run of entries in board order that starts at `firstIndex` (0-based) with rank
 * `firstRank`: an entry with the same score as the one before shares its rank, any other has
 * every entry before it strictly higher, so its rank is its position + 1.
 */
export function rankInOrder(
  entries: ReadonlyArray<{ player: string; score: number }>,
  firstIndex: number,
  firstRank: number,
): LeaderboardEntry[] {
  const ranked: LeaderboardEntry[] = [];
  entries.forEach((entry, i) => {
    const before = ranked[i - 1];
    const rank =
      before === undefined ? firstRank : before.score === entry.score ? before.rank : firstIndex + i + 1;
    ranked.push({ player: entry.player, score: entry.score, rank });
  });
  return ranked;
}
