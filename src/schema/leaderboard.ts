import type { LeaderboardEntry as EntryShape } from '../datasources/ports/leaderboards.js';
import { lastEventIdOf, noteEventCursor } from '../plugins/use-event-ids.js';
import type { LeaderboardEvent } from '../services/leaderboards.js';
import { builder } from './builder.js';

export const LeaderboardEntry = builder.objectRef<EntryShape>('LeaderboardEntry').implement({
  fields: (t) => ({
    player: t.exposeString('player'),
    score: t.exposeFloat('score'),
    rank: t.exposeInt('rank', { description: '1 + the number of players with a strictly higher score.' }),
  }),
});

export const LeaderboardChange = builder.objectRef<LeaderboardEvent>('LeaderboardChange').implement({
  description: 'One change to a board, with the ranks before and after it.',
  fields: (t) => ({
    board: t.exposeString('board'),
    player: t.exposeString('player'),
    score: t.exposeFloat('score', { description: 'The score after the change.' }),
    rank: t.exposeInt('rank', { description: 'The rank after the change.' }),
    previousRank: t.exposeInt('previousRank', {
      nullable: true,
      description: 'The rank before the change; null for a player new to the board.',
    }),
    cursor: t.exposeString('cursor', {
      description:
        "Opaque, increasing along the board's events: pass it as `after` to resume after this event.",
    }),
  }),
});

/** A board, named by the `leaderboard(board)` field that returns it. */
export const Leaderboard = builder.objectRef<{ board: string }>('Leaderboard').implement({
  fields: (t) => ({
    board: t.exposeString('board'),
    size: t.int({
      description: 'Players on the board.',
      resolve: ({ board }, _args, ctx) => ctx.services.leaderboards.size(board),
    }),
    top: t.field({
      type: [LeaderboardEntry],
      description: 'By score, highest first; `first` at most 100.',
      args: { first: t.arg.int({ required: true }) },
      resolve: ({ board }, { first }, ctx) => ctx.services.leaderboards.top({ board, first }),
    }),
    entry: t.field({
      type: LeaderboardEntry,
      nullable: true,
      description: '`null` for a player not on the board.',
      args: { player: t.arg.string({ required: true }) },
      resolve: ({ board }, { player }, ctx) => ctx.services.leaderboards.entry({ board, player }),
    }),
    around: t.field({
      type: [LeaderboardEntry],
      description:
        'The player and up to `radius` (at most 50) neighbours each side, in board order; empty when absent.',
      args: { player: t.arg.string({ required: true }), radius: t.arg.int({ required: true }) },
      resolve: ({ board }, { player, radius }, ctx) =>
        ctx.services.leaderboards.around({ board, player, radius }),
    }),
  }),
});

builder.queryFields((t) => ({
  leaderboard: t.field({
    type: Leaderboard,
    description: 'A board: 1..64 letters, digits, `_ - : .`.',
    args: { board: t.arg.string({ required: true }) },
    resolve: (_root, { board }, ctx) => ({ board: ctx.services.leaderboards.board(board) }),
  }),
}));

builder.mutationFields((t) => ({
  submitScore: t.field({
    type: LeaderboardEntry,
    description: "Sets the player's score.",
    authScopes: { user: true },
    args: {
      board: t.arg.string({ required: true }),
      player: t.arg.string({ required: true }),
      score: t.arg.float({ required: true }),
    },
    resolve: (_root, args, ctx) => ctx.services.leaderboards.submit(args),
  }),
  incrementScore: t.field({
    type: LeaderboardEntry,
    description: "Adds `by` to the player's score; a new player starts at 0.",
    authScopes: { user: true },
    args: {
      board: t.arg.string({ required: true }),
      player: t.arg.string({ required: true }),
      by: t.arg.float({ required: true }),
    },
    resolve: (_root, args, ctx) => ctx.services.leaderboards.increment(args),
  }),
  resetLeaderboard: t.boolean({
    description: 'Removes every entry; true when the board had any.',
    authScopes: { admin: true },
    args: { board: t.arg.string({ required: true }) },
    resolve: (_root, { board }, ctx) => ctx.services.leaderboards.reset(board),
  }),
}));

builder.subscriptionFields((t) => ({
  leaderboardUpdated: t.field({
    type: LeaderboardChange,
    description:
      'Every change to the board, from whichever instance made it; with `after` (a cursor), first every change after it (CURSOR_EXPIRED when older than the events kept).',
    args: { board: t.arg.string({ required: true }), after: t.arg.string() },
    // The same for every live subscriber of a board: one execution per event for all of them
    // (a subscriber resuming from a cursor has a stream of its own: use-shared-subscriptions.ts).
    extensions: { sharedAudience: true },
    // An EventSource reconnecting sends its last id beside the `after` of its URL: the id is newer.
    subscribe: (_root, { board, after }, ctx) =>
      ctx.services.leaderboards.updates(board, lastEventIdOf(ctx) ?? after),
    resolve: (change, _args, ctx) => {
      noteEventCursor(ctx, change.cursor);
      return change;
    },
  }),
}));
