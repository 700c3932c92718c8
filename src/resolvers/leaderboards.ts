import { builder } from '../schema/builder.js';
import { Leaderboard, LeaderboardChange, LeaderboardEntry } from '../schema/leaderboard.js';

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
    description: 'Every change to the board, from whichever instance made it.',
    args: { board: t.arg.string({ required: true }) },
    subscribe: (_root, { board }, ctx) => ctx.services.leaderboards.updates(board),
    resolve: (change) => change,
  }),
}));
