import type { Account as AccountShape, SignedIn } from '../services/accounts.js';
import { builder } from './builder.js';
import { signedIn } from './signed-in.js';

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

export const RegisterInput = builder.inputType('RegisterInput', {
  fields: (t) => ({
    email: t.string({ required: true, description: 'Unique, compared without case.' }),
    password: t.string({ required: true, description: '8..128 characters.' }),
    name: t.string(),
  }),
});

builder.queryFields((t) => ({
  me: t.field({
    type: User,
    nullable: true,
    description: 'The signed-in account; null when anonymous.',
    resolve: (_root, _args, ctx) =>
      ctx.caller === null ? null : ctx.services.accounts.byId(ctx.caller.accountId),
  }),
}));

builder.mutationFields((t) => ({
  register: t.field({
    type: AuthPayload,
    description: 'Creates a USER account and signs it in. A taken email is CONFLICT.',
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.accounts.register(input),
  }),
  login: t.field({
    type: AuthPayload,
    description:
      'A wrong email or password is UNAUTHENTICATED; repeated failures from one client are slowed, then RATE_LIMITED.',
    args: { email: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: (_root, { email, password }, ctx) =>
      ctx.services.accounts.login(email, password, ctx.clientAddress),
  }),
  logout: t.boolean({
    description: "Ends the caller's session: its token is UNAUTHENTICATED from now on.",
    authScopes: { user: true },
    resolve: (_root, _args, ctx) => (ctx.caller === null ? false : ctx.services.accounts.logout(ctx.caller)),
  }),
  logoutAll: t.boolean({
    description: "Ends every session of the caller's account, this one included.",
    authScopes: { user: true },
    resolve: (_root, _args, ctx) => ctx.services.accounts.logoutAll(signedIn(ctx)),
  }),
  changePassword: t.boolean({
    description:
      'Sets a new password (8..128 characters) once `current` is checked (a wrong one is UNAUTHENTICATED, repeated failures RATE_LIMITED), and ends every other session of the account.',
    authScopes: { user: true },
    args: { current: t.arg.string({ required: true }), new: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) =>
      ctx.services.accounts.changePassword(signedIn(ctx), args.current, args.new, ctx.clientAddress),
  }),
}));
