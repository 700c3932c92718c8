import { describe, expect, it } from 'vitest';
import { BullJobQueue } from '../../src/datasources/redis/jobs.js';
import { UnavailableError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import type { RunningServer } from '../../src/server.js';
import { OUTBOX } from '../../src/services/jobs.js';
import {
  EnqueueJobDocument,
  JobDocument,
  type JobQuery,
  JobUpdatedDocument,
  QueueCountsDocument,
} from '../generated/operations.js';
import { runEntry } from '../helpers/processes.js';
import {
  cleanupAfterEach,
  deferredInstance,
  deployment,
  embedded,
  eventually,
  next,
  nextData,
  post,
  signIn,
  wsClient,
  wsSubscribe,
} from '../helpers/realtime.js';
import { openTestRedis } from '../helpers/redis.js';
import { startRedis } from '../helpers/servers.js';

const defer = cleanupAfterEach();

const instance = (env: Record<string, string>) => deferredInstance(defer, env);

type Job = NonNullable<JobQuery['job']>;

async function settled(server: RunningServer, id: string, user: string, ms = 20_000): Promise<Job> {
  let job: Job | null = null;
  await eventually(
    async () => {
      job = (await post(server, JobDocument, { id }, user)).data?.job ?? null;
      return job?.status === 'COMPLETED' || job?.status === 'FAILED';
    },
    ms,
    `job ${id} finished`,
  );
  if (job === null) throw new Error('no job');
  return job;
}

async function someCustomers(server: RunningServer): Promise<void> {
  const people = [
    { lastName: 'A', firstName: 'a', email: 'a@example.com', age: 30, addresses: [{ city: 'Lyon' }] },
    {
      lastName: 'B',
      firstName: 'b',
      email: 'b@example.com',
      age: 40,
      addresses: [{ city: 'Lyon' }, { city: 'Nice' }],
    },
    { lastName: 'C', firstName: 'c', email: 'c@example.com', addresses: [{ city: 'Nice' }] },
  ];
  for (const person of people) await server.services.customers.create(person);
}

for (const [backend, env] of [
  ['embedded', embedded],
  ['MongoDB + Redis', deployment],
] as const) {
  describe(`jobs (${backend})`, () => {
    it('runs generate_report to COMPLETED with the customerStatsByCity rows as its result', async () => {
      const server = await instance(env());
      const user = await signIn(server);
      await someCustomers(server);
      const queued = await post(
        server,
        EnqueueJobDocument,
        { type: 'generate_report', payload: { report: 'customersByCity' } },
        user,
      );
      expect(queued.errors).toBeUndefined();
      expect(queued.data?.enqueueJob).toMatchObject({ type: 'generate_report', status: 'QUEUED' });
      const job = await settled(server, queued.data?.enqueueJob.id ?? '', user);
      expect(job).toMatchObject({ status: 'COMPLETED', attempts: 1, progress: 100, error: null });
      expect(job.result).toEqual({ rows: await server.services.customers.statsByCity() });
      expect((job.result as { rows: unknown[] }).rows).toHaveLength(2);
      expect(job.startedAt).not.toBeNull();
      expect(job.finishedAt).not.toBeNull();
    });

    it('stores a send_email message in the outbox and returns its id', async () => {
      const server = await instance(env());
      const user = await signIn(server);
      const payload = { to: 'ann@example.com', subject: 'Hello', body: 'Hi Ann' };
      const queued = await post(server, EnqueueJobDocument, { type: 'send_email', payload }, user);
      const job = await settled(server, queued.data?.enqueueJob.id ?? '', user);
      expect(job.status).toBe('COMPLETED');
      const { messageId } = job.result as { messageId: string };
      const stored = await server.backends.documents.collection(OUTBOX).findOne({ _id: messageId });
      expect(stored).toMatchObject({
        to: 'ann@example.com',
        subject: 'Hello',
        body: 'Hi Ann',
        jobId: job.id,
      });
    });

    it('fails a send_email to a .invalid address at once, without retry', async () => {
      const server = await instance(env());
      const user = await signIn(server);
      const payload = { to: 'nobody@example.invalid', subject: 's', body: 'b' };
      const queued = await post(server, EnqueueJobDocument, { type: 'send_email', payload }, user);
      const job = await settled(server, queued.data?.enqueueJob.id ?? '', user);
      expect(job).toMatchObject({ status: 'FAILED', attempts: 1, result: null });
      // It says why, without the address: job errors are logged.
      expect(job.error).toMatch(/\.invalid/);
      expect(job.error).not.toContain('nobody@');
      const counts = await post(server, QueueCountsDocument, {}, user);
      expect(counts.data?.queue).toMatchObject({ failed: 1, delayed: 0, waiting: 0, active: 0 });
    });

    it('refuses an unknown type or a payload that does not fit it, naming the field', async () => {
      const server = await instance(env());
      const user = await signIn(server);
      const cases: Array<[string, unknown, string]> = [
        ['make_coffee', {}, 'type'],
        ['generate_report', { report: 'everything' }, 'payload.report'],
        ['generate_report', null, 'payload.report'],
        ['send_email', { to: 'not an address', subject: 's', body: 'b' }, 'payload.to'],
        ['send_email', { to: 'a@example.com', body: 'b' }, 'payload.subject'],
        ['send_email', { to: 'a@example.com', subject: 's', body: 'b', bcc: 'x@example.com' }, 'payload'],
      ];
      for (const [type, payload, field] of cases) {
        const r = await post(server, EnqueueJobDocument, { type, payload }, user);
        expect(r.errors?.[0]?.extensions, `${type} ${JSON.stringify(payload)}`).toMatchObject({
          code: 'BAD_USER_INPUT',
        });
        expect(String(r.errors?.[0]?.extensions?.field ?? '')).toContain(field);
      }
      expect((await post(server, QueueCountsDocument, {}, user)).data?.queue.waiting).toBe(0);
      expect((await post(server, JobDocument, { id: '424242' }, user)).data?.job).toBeNull();
      const anonymous = await post(server, EnqueueJobDocument, {
        type: 'generate_report',
        payload: { report: 'customersByCity' },
      });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('streams jobUpdated: the current state first, then every change, ending when the job finishes', async () => {
      const server = await instance(env({ JOB_STEP_DELAY_MS: '300' }));
      const user = await signIn(server);
      const client = wsClient(server, user);
      defer(() => client.dispose());
      const queued = await post(
        server,
        EnqueueJobDocument,
        { type: 'generate_report', payload: { report: 'customersByCity' } },
        user,
      );
      const id = queued.data?.enqueueJob.id ?? '';
      const stream = wsSubscribe(client, JobUpdatedDocument, { id });
      const seen: Array<{ status: string; progress: number }> = [];
      for (;;) {
        const result = await next(stream, 20_000);
        if (result.done === true) break;
        expect(result.value.errors).toBeUndefined();
        const update = result.value.data?.jobUpdated;
        if (update === undefined) throw new Error('no data');
        expect(update.id).toBe(id);
        seen.push({ status: update.status, progress: update.progress });
        if (update.status === 'COMPLETED') expect(update.result).toMatchObject({ rows: [] });
      }
      // Progress 10 is held for 300 ms: a stream that started before it cannot have missed it.
      expect(seen).toContainEqual({ status: 'ACTIVE', progress: 10 });
      expect(seen.at(-1)).toEqual({ status: 'COMPLETED', progress: 100 });
      const progress = seen.map((s) => s.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
    });

    it('gives a finished job its final state once, then completes', async () => {
      const server = await instance(env());
      const user = await signIn(server);
      const queued = await post(
        server,
        EnqueueJobDocument,
        { type: 'generate_report', payload: { report: 'customersByCity' } },
        user,
      );
      const id = queued.data?.enqueueJob.id ?? '';
      await settled(server, id, user);
      const client = wsClient(server, user);
      defer(() => client.dispose());
      const stream = wsSubscribe(client, JobUpdatedDocument, { id });
      expect((await nextData(stream)).jobUpdated).toMatchObject({
        id,
        status: 'COMPLETED',
        progress: 100,
        error: null,
      });
      expect((await next(stream)).done).toBe(true);
      const unknown = wsSubscribe(client, JobUpdatedDocument, { id: '999999' });
      expect((await next(unknown)).value?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });
  });
}

describe('worker processes', () => {
  it('runs jobs in `npm run worker` processes; a worker killed mid-job does not lose it', async () => {
    const env = deployment({ WORKERS_IN_PROCESS: 'false', JOB_LOCK_MS: '1000' });
    const gateway = await instance(env);
    const user = await signIn(gateway);
    // The first worker stalls after its first progress report, long enough to be killed there.
    const doomed = runEntry('src/worker.ts', { ...env, JOB_STEP_DELAY_MS: '600000' });
    defer(() => doomed.kill());
    await doomed.waitFor(/worker started/);
    const queued = await post(
      gateway,
      EnqueueJobDocument,
      { type: 'generate_report', payload: { report: 'customersByCity' } },
      user,
    );
    const id = queued.data?.enqueueJob.id ?? '';
    await eventually(
      async () => {
        const job = (await post(gateway, JobDocument, { id }, user)).data?.job;
        return job?.status === 'ACTIVE' && job.progress === 10;
      },
      20_000,
      'the job running on the first worker',
    );
    await doomed.kill();
    expect(doomed.child.signalCode).toBe('SIGKILL');
    const rescuer = runEntry('src/worker.ts', env);
    defer(() => rescuer.stop());
    const job = await settled(gateway, id, user, 30_000);
    expect(job).toMatchObject({ status: 'COMPLETED', progress: 100 });
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    expect(job.result).toEqual({ rows: [] });
  });

  it('refuses to start without the shared stores it needs', async () => {
    const worker = runEntry('src/worker.ts', { NODE_ENV: 'test' });
    await worker.exited;
    expect(worker.child.exitCode).toBe(1);
    expect(worker.output()).toMatch(/REDIS_URL/);
  });
});

describe('enqueue while Redis is down', () => {
  it('refuses at the queue with UnavailableError instead of hanging, and takes jobs again once Redis is back', async () => {
    const redis = await startRedis();
    defer(() => redis.stop());
    const t = await openTestRedis(redis.url);
    defer(() => t.close());
    const queue = new BullJobQueue(
      {
        attempts: 3,
        backoffMs: 100,
        keepSeconds: 60,
        url: redis.url,
        redis: t.redis,
        prefix: t.prefix,
        lockMs: 30_000,
      },
      createLogger('silent'),
    );
    defer(() => queue.close());
    expect((await queue.enqueue('t', {})).status).toBe('QUEUED');
    await redis.stop();
    const refused = await next(
      (async function* () {
        yield await queue.enqueue('t', {}).catch((error: unknown) => error);
      })(),
      3000,
    );
    expect(refused.value).toBeInstanceOf(UnavailableError);
    await redis.start();
    await eventually(
      async () => (await queue.enqueue('t', {}).catch(() => null)) !== null,
      20_000,
      'enqueue working again',
    );
  });

  it('answers enqueueJob with SERVICE_UNAVAILABLE, and serves it again once Redis is back', async () => {
    const redis = await startRedis();
    defer(() => redis.stop());
    const server = await instance(deployment({ REDIS_URL: redis.url }));
    const user = await signIn(server);
    const payload = { report: 'customersByCity' };
    expect(
      (await post(server, EnqueueJobDocument, { type: 'generate_report', payload }, user)).errors,
    ).toBeUndefined();
    await redis.stop();
    const refused = await next(
      (async function* () {
        yield await post(server, EnqueueJobDocument, { type: 'generate_report', payload }, user);
      })(),
      3000,
    );
    expect(refused.value?.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    await redis.start();
    // The restarted Redis is empty: sessions are gone, so sign in again.
    let again = '';
    await eventually(
      async () => {
        again = again || (await signIn(server).catch(() => ''));
        return (
          again !== '' &&
          (await post(server, EnqueueJobDocument, { type: 'generate_report', payload }, again)).errors ===
            undefined
        );
      },
      20_000,
      'enqueue working again',
    );
  });
});
