import { builder } from '../schema/builder.js';
import { Job, QueueCounts } from '../schema/job.js';

builder.queryFields((t) => ({
  job: t.field({
    type: Job,
    nullable: true,
    description: '`null` for an unknown id (finished jobs are kept 24 h).',
    authScopes: { user: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.jobs.get(String(id)),
  }),
  queue: t.field({
    type: QueueCounts,
    authScopes: { user: true },
    resolve: (_root, _args, ctx) => ctx.services.jobs.counts(),
  }),
}));

builder.mutationFields((t) => ({
  enqueueJob: t.field({
    type: Job,
    description:
      '`generate_report` (payload `{ "report": "customersByCity" }`) or `send_email` (payload `{ "to", "subject", "body" }`).',
    authScopes: { user: true },
    args: { type: t.arg.string({ required: true }), payload: t.arg({ type: 'JSON' }) },
    resolve: (_root, { type, payload }, ctx) => ctx.services.jobs.enqueue(type, payload),
  }),
}));

builder.subscriptionFields((t) => ({
  jobUpdated: t.field({
    type: Job,
    description: "The job's current state, then every change of status or progress; ends when it finishes.",
    authScopes: { user: true },
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, ctx) => ctx.services.jobs.watch(String(id)),
    resolve: (job) => job,
  }),
}));
