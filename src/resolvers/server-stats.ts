import { builder } from '../schema/builder.js';
import { ServerStats } from '../schema/server-stats.js';

builder.queryFields((t) => ({
  serverStats: t.field({
    type: ServerStats,
    description: 'The Redis server, the document store and the shared cache (ADMIN).',
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.services.serverStats.read(),
  }),
}));
