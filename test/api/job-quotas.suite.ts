import type { GraphQLFormattedError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobRecord, Workers } from '../../src/datasources/ports/jobs.js';
import { EnqueueJobDocument } from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';

const first = (errors: readonly GraphQLFormattedError[] | undefined) => errors?.[0];

const email = (n: number) => ({
  type: 'send_email',
  payload: { to: `someone${n}@example.com`, subject: 'Hello', body: 'x'.repeat(1000) },
});

async function finished(t: TestApp, id: string): Promise<JobRecord> {
  for (let i = 0; i < 600; i++) {
    const job = await t.backends.jobs.get(id);
    if (job?.status === 'COMPLETED' || job?.status === 'FAILED') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

export function jobQuotasSuite(backend: BackendName): void {
  describe(`quotas per account (${backend})`, () => {
    let t: TestApp | undefined;
    let workers: Workers | undefined;
    afterEach(async () => {
      await workers?.close();
      workers = undefined;
      await t?.close();
      t = undefined;
    });

    it('refuses jobs past JOB_QUOTA_PER_ACCOUNT with RATE_LIMITED and retryAfter, for that account only', async () => {
      t = await makeApp(backend, { JOB_QUOTA_PER_ACCOUNT: '3' });
      const [alice, bob] = [await t.signIn(), await t.signIn()];
      const report = { type: 'generate_report', payload: { report: 'customersByCity' } };
      for (let i = 0; i < 3; i++)
        expect((await t.run(EnqueueJobDocument, report, alice)).errors).toBeUndefined();
      const refused = await t.run(EnqueueJobDocument, report, alice);
      expect(first(refused.errors)?.extensions?.code).toBe('RATE_LIMITED');
      expect(first(refused.errors)?.extensions?.retryAfter).toBeGreaterThan(0);
      expect((await t.run(EnqueueJobDocument, report, bob)).errors).toBeUndefined();
    });

    it('stores at most OUTBOX_QUOTA_PER_ACCOUNT messages per account, then refuses with CONFLICT', async () => {
      t = await makeApp(backend, { OUTBOX_QUOTA_PER_ACCOUNT: '2' });
      const [alice, bob] = [await t.signIn(), await t.signIn()];
      // Three accepted while the outbox is empty: the third cannot be stored when it runs.
      const ids: string[] = [];
      for (let n = 0; n < 3; n++) {
        const queued = await t.run(EnqueueJobDocument, email(n), alice);
        expect(queued.errors).toBeUndefined();
        ids.push(queued.data?.enqueueJob.id ?? '');
      }
      workers = t.services.jobs.work(1);
      const jobs = [];
      for (const id of ids) jobs.push(await finished(t, id));
      expect(jobs.map((j) => j.status)).toEqual(['COMPLETED', 'COMPLETED', 'FAILED']);
      expect(jobs[2]?.error).toMatch(/outbox/);
      const refused = await t.run(EnqueueJobDocument, email(9), alice);
      expect(first(refused.errors)?.extensions?.code).toBe('CONFLICT');
      expect(first(refused.errors)?.message).toMatch(/outbox/);
      const other = await t.run(EnqueueJobDocument, email(10), bob);
      expect(other.errors).toBeUndefined();
      expect((await finished(t, other.data?.enqueueJob.id ?? '')).status).toBe('COMPLETED');
    });
  });
}
