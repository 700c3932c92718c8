import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workers } from '../../src/datasources/ports/jobs.js';
import { EnqueueJobDocument, JobDocument, JobUpdatedDocument } from '../generated/operations.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';

const REPORT = { type: 'generate_report', payload: { report: 'customersByCity' } };

/** The events of a `jobUpdated` stream over SSE; it ends by itself for a finished or refused job. */
async function jobEvents(t: TestApp, id: string, headers: Record<string, string>): Promise<unknown[]> {
  const response = await t.app.fetch('http://docgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query: print(JobUpdatedDocument), variables: { id } }),
  });
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data:') && line.length > 6)
    .map((line) => JSON.parse(line.slice(5)) as unknown);
}

export function jobOwnershipSuite(backend: BackendName): void {
  describe(`jobs belong to who enqueued them (${backend})`, () => {
    let t: TestApp;
    let workers: Workers;
    beforeAll(async () => {
      t = await makeApp(backend);
      workers = t.services.jobs.work(1);
    });
    afterAll(async () => {
      await workers.close();
      await t.close();
    });

    it('shows a job to its owner and to ADMINs, and to another USER as unknown (null)', async () => {
      const [owner, stranger, admin] = [await t.signIn(), await t.signIn(), await t.signIn('ADMIN')];
      const enqueued = await t.run(EnqueueJobDocument, REPORT, owner);
      const id = enqueued.data?.enqueueJob.id ?? '';
      expect(enqueued.errors).toBeUndefined();
      expect((await t.run(JobDocument, { id }, owner)).data?.job?.id).toBe(id);
      expect((await t.run(JobDocument, { id }, admin)).data?.job?.id).toBe(id);
      expect(await t.run(JobDocument, { id }, stranger)).toEqual({ data: { job: null } });
    });

    it('refuses a stranger jobUpdated as for an unknown id, and streams it to the owner', async () => {
      const [owner, stranger] = [await t.signIn(), await t.signIn()];
      const id = (await t.run(EnqueueJobDocument, REPORT, owner)).data?.enqueueJob.id ?? '';
      const refused = await jobEvents(t, id, stranger);
      const unknown = await jobEvents(t, `${id}x`, stranger);
      expect(refused).toEqual(unknown);
      expect(JSON.stringify(refused)).toContain('NOT_FOUND');
      expect(JSON.stringify(refused)).not.toContain(id);
      const own = await jobEvents(t, id, owner);
      expect(own.at(-1)).toMatchObject({ data: { jobUpdated: { id, status: 'COMPLETED' } } });
    });

    it('gives jobs unguessable ids: 122 random bits or more, not a sequence', async () => {
      const owner = await t.signIn();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await t.run(EnqueueJobDocument, REPORT, owner)).data?.enqueueJob.id ?? '');
      for (const id of ids) {
        expect(id).toMatch(/^[A-Za-z0-9_-]{22,64}$/);
        expect(id).not.toMatch(/^[0-9]+$/);
      }
      expect(new Set(ids).size).toBe(ids.length);
    });
  });
}
