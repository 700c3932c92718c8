import type { SessionRecord } from '../datasources/ports/sessions.js';
import { builder } from './builder.js';

export const Session = builder.objectRef<SessionRecord>('Session').implement({
  fields: (t) => ({
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'SESSION_TTL_SECONDS after the last use.',
    }),
    lastActivityAt: t.expose('lastActivityAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  session: t.field({
    type: Session,
    nullable: true,
    description: "The caller's session, its expiry moved by this request; null when anonymous.",
    resolve: (_root, _args, ctx) => ctx.caller?.session ?? null,
  }),
}));
