import { builder } from './builder.js';

builder.queryFields((t) => ({
  onlineUsers: t.int({
    description: 'Accounts with at least one open subscription connection, on any instance.',
    authScopes: { user: true },
    resolve: (_root, _args, ctx) => ctx.services.presence.count(),
  }),
}));
