import { describe, expect, it } from 'vitest';
import {
  EnqueueJobDocument,
  JobDocument,
  LeaderboardUpdatedDocument,
  MeDocument,
} from '../generated/operations.js';
import { runEntry } from '../helpers/processes.js';
import {
  cleanupAfterEach,
  deferredInstance,
  deployment,
  eventually,
  nextData,
  post,
  publishUntil,
  signIn,
  sseSubscribe,
  wsClient,
  wsSubscribe,
} from '../helpers/realtime.js';
import { useTestCluster } from '../helpers/test-cluster.js';

const defer = cleanupAfterEach();
const cluster = useTestCluster();

/**
 * One deployment on a Redis Cluster: two gateway instances and a worker process, as in
 * production. What one instance writes to Redis (sessions, scores and their events, jobs) the
 * other and the worker see.
 */
describe('two gateways and a worker on a Redis Cluster', () => {
  it('share sessions, deliver events across instances on WebSocket and SSE, and run jobs in the worker', async () => {
    const env = deployment({ REDIS_URL: (await cluster()).url, WORKERS_IN_PROCESS: 'false' });
    const a = await deferredInstance(defer, env);
    const b = await deferredInstance(defer, env);
    const worker = runEntry('src/worker.ts', env);
    defer(() => worker.stop());
    await worker.waitFor(/worker started/, 30_000);

    const user = await signIn(a);
    const [onA, onB] = await Promise.all([post(a, MeDocument, {}, user), post(b, MeDocument, {}, user)]);
    expect(onB.data?.me?.id).toBeDefined();
    expect(onB.data?.me?.id).toBe(onA.data?.me?.id);

    // Scores submitted on A reach a WebSocket subscriber on B and an SSE subscriber on B.
    const client = wsClient(b, user);
    defer(() => client.dispose());
    const ws = wsSubscribe(client, LeaderboardUpdatedDocument, { board: 'cluster-board' });
    const sse = await sseSubscribe(
      b,
      LeaderboardUpdatedDocument,
      { board: 'cluster-board' },
      { authorization: user },
    );
    defer(() => sse.return?.());
    const [viaWs, viaSse] = await publishUntil(
      a,
      user,
      'cluster-board',
      Promise.all([nextData(ws, 20_000), nextData(sse, 20_000)]),
    );
    expect(viaWs.leaderboardUpdated.player).toBe('p');
    expect(viaSse.leaderboardUpdated.player).toBe('p');

    // A job enqueued on B runs in the worker process; A reads its result.
    const queued = await post(
      b,
      EnqueueJobDocument,
      { type: 'generate_report', payload: { report: 'customersByCity' } },
      user,
    );
    const id = queued.data?.enqueueJob.id ?? '';
    expect(id).not.toBe('');
    await eventually(
      async () => (await post(a, JobDocument, { id }, user)).data?.job?.status === 'COMPLETED',
      30_000,
      `job ${id} completed`,
    );
  });
});
