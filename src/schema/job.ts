import type { QueueCounts as CountsShape, JobRecord } from '../datasources/ports/jobs.js';
import { lastEventIdOf, noteEventCursor } from '../plugins/use-event-ids.js';
import { builder } from './builder.js';
import { signedIn } from './signed-in.js';

export const JobStatus = builder.enumType('JobStatus', {
  values: {
    QUEUED: { description: 'Waiting for a worker.' },
    ACTIVE: { description: 'A worker is running it.' },
    COMPLETED: { description: 'Done; `result` holds what it produced.' },
    FAILED: { description: 'Given up; `error` says why.' },
    DELAYED: { description: 'Failed for a passing reason; waiting for a retry.' },
  } as const,
});

export const Job = builder.objectRef<JobRecord & { cursor?: string }>('Job').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    type: t.exposeString('type'),
    status: t.field({ type: JobStatus, resolve: (job) => job.status }),
    attempts: t.exposeInt('attempts', { description: 'Attempts started so far.' }),
    progress: t.int({ description: 'Percent done, 0 to 100.', resolve: (job) => Math.round(job.progress) }),
    result: t.field({
      type: 'JSON',
      nullable: true,
      description: 'What the job produced, once COMPLETED.',
      resolve: (job) => job.result,
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why the last attempt failed.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    cursor: t.string({
      nullable: true,
      description:
        "On `jobUpdated`: opaque, increasing along the job's events; pass it as `after` to resume after this event. Null elsewhere.",
      resolve: (job) => job.cursor ?? null,
    }),
  }),
});

export const QueueCounts = builder.objectRef<CountsShape>('QueueCounts').implement({
  description: 'Jobs by state.',
  fields: (t) => ({
    waiting: t.exposeInt('waiting'),
    active: t.exposeInt('active'),
    completed: t.exposeInt('completed'),
    failed: t.exposeInt('failed'),
    delayed: t.exposeInt('delayed'),
  }),
});

builder.queryFields((t) => ({
  job: t.field({
    type: Job,
    nullable: true,
    description:
      "`null` for an unknown id (finished jobs are kept 24 h) and for another account's job (ADMINs see all).",
    authScopes: { user: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.jobs.get(String(id), signedIn(ctx)),
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
    resolve: (_root, { type, payload }, ctx) => ctx.services.jobs.enqueue(type, payload, signedIn(ctx)),
  }),
}));

builder.subscriptionFields((t) => ({
  jobUpdated: t.field({
    type: Job,
    description:
      "The job's current state, then every change of status or progress; ends when it finishes. With `after` (a cursor), every event after it instead of the current state (CURSOR_EXPIRED when older than the events kept). Progress never goes down; status only moves forward. Another account's job is NOT_FOUND (ADMINs see all).",
    authScopes: { user: true },
    args: { id: t.arg.id({ required: true }), after: t.arg.string() },
    subscribe: (_root, { id, after }, ctx) =>
      ctx.services.jobs.watch(String(id), signedIn(ctx), lastEventIdOf(ctx) ?? after),
    resolve: (job, _args, ctx) => {
      if (job.cursor !== undefined) noteEventCursor(ctx, job.cursor);
      return job;
    },
  }),
}));
