import { AuthPayload, RateLimitStatus, RegisterInput, Session, User } from '../schema/account.js';
import { builder } from '../schema/builder.js';

builder.queryFields((t) => ({
  me: t.field({
    type: User,
    nullable: true,
    description: 'The signed-in account; null when anonymous.',
    resolve: (_root, _args, ctx) =>
      ctx.caller === null ? null : ctx.services.accounts.byId(ctx.caller.accountId),
  }),
  session: t.field({
    type: Session,
    nullable: true,
    description: "The caller's session, its expiry moved by this request; null when anonymous.",
    resolve: (_root, _args, ctx) => ctx.caller?.session ?? null,
  }),
  rateLimit: t.field({
    type: RateLimitStatus,
    description: "The caller's rate limit after this request; spends nothing more.",
    resolve: (_root, _args, ctx) =>
      ctx.rateLimit ??
      ctx.services.requestLimiter.peek(
        ctx.caller === null ? 'address:unknown' : `account:${ctx.caller.accountId}`,
      ),
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
      'A wrong email or password is UNAUTHENTICATED; repeated failures are slowed, then RATE_LIMITED.',
    args: { email: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: (_root, { email, password }, ctx) => ctx.services.accounts.login(email, password),
  }),
  logout: t.boolean({
    description: "Ends the caller's session: its token is UNAUTHENTICATED from now on.",
    authScopes: { user: true },
    resolve: (_root, _args, ctx) => (ctx.caller === null ? false : ctx.services.accounts.logout(ctx.caller)),
  }),
}));
