import type { RateLimitDecision } from '../datasources/ports/rate-limiter.js';
import { builder } from './builder.js';

export const RateLimitStatus = builder.objectRef<RateLimitDecision>('RateLimitStatus').implement({
  description: "The caller's request budget (the account when signed in, else the client address).",
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'Requests per window.' }),
    remaining: t.exposeInt('remaining', { description: 'Requests left in this window, this one spent.' }),
    resetAt: t.expose('resetAt', { type: 'DateTime', description: 'When the window ends.' }),
  }),
});

builder.queryFields((t) => ({
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
