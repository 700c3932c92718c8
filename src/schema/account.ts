import type { RateLimitDecision } from '../datasources/ports/rate-limiter.js';
import type { SessionRecord } from '../datasources/ports/sessions.js';
import type { Account as AccountShape, SignedIn } from '../services/accounts.js';
import { builder } from './builder.js';

export const Role = builder.enumType('Role', {
  values: { USER: { description: 'A signed-in account.' }, ADMIN: { description: 'Also manages.' } } as const,
});

export const User = builder.objectRef<AccountShape>('User').implement({
  description: 'An account.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name', { nullable: true }),
    role: t.field({ type: Role, resolve: (a) => a.role }),
  }),
});

export const AuthPayload = builder.objectRef<SignedIn>('AuthPayload').implement({
  fields: (t) => ({
    token: t.exposeString('token', { description: 'Send it as `Authorization: Bearer <token>`.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'Moves with every use.' }),
    user: t.field({ type: User, resolve: (p) => p.account }),
  }),
});

export const Session = builder.objectRef<SessionRecord>('Session').implement({
  fields: (t) => ({
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'SESSION_TTL_SECONDS after the last use.',
    }),
    lastActivityAt: t.expose('lastActivityAt', { type: 'DateTime' }),
  }),
});

export const RateLimitStatus = builder.objectRef<RateLimitDecision>('RateLimitStatus').implement({
  description: "The caller's request budget (the account when signed in, else the client address).",
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'Requests per window.' }),
    remaining: t.exposeInt('remaining', { description: 'Requests left in this window, this one spent.' }),
    resetAt: t.expose('resetAt', { type: 'DateTime', description: 'When the window ends.' }),
  }),
});

export const RegisterInput = builder.inputType('RegisterInput', {
  fields: (t) => ({
    email: t.string({ required: true, description: 'Unique, compared without case.' }),
    password: t.string({ required: true, description: '8..128 characters.' }),
    name: t.string(),
  }),
});
