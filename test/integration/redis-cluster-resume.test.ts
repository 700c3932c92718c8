import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/services/cursors.js';
import { cleanupAfterEach, deployment, eventually, startInstance, wsClient } from '../helpers/realtime.js';
import { useTestCluster } from '../helpers/test-cluster.js';

/**
 * A subscriber on a gateway over a Redis Cluster follows a board while scores are submitted
 * without pause and the master serving the board's slot is SIGKILLed. Whenever its stream ends
 * (SERVICE_UNAVAILABLE, "subscribe again") it subscribes again with the last cursor it received,
 * as the README tells clients to. Every score whose submit was answered must reach it exactly
 * once and in order: the change waits for a replica (REDIS_REPLICA_WAIT_MS), so the replica
 * that takes over holds it and its event.
 */
const cluster = useTestCluster();
const defer = cleanupAfterEach();

const AFTER = `subscription LeaderboardUpdatedAfter($board: String!, $after: String) {
  leaderboardUpdated(board: $board, after: $after) { score cursor }
}`;
type Data = { leaderboardUpdated: { score: number; cursor: string } };

describe('subscriptions across a Redis Cluster failover', () => {
  it('resume from their cursor and receive every answered score exactly once, in order', async () => {
    const c = await cluster();
    const server = await startInstance(deployment({ REDIS_URL: c.url }));
    defer(() => server.close());
    const board = 'resume';
    const submit = (score: number) => server.services.leaderboards.submit({ board, player: 'p', score });

    // A cursor just before the first score, so the first subscription misses nothing.
    await submit(-1);
    const newest = await server.backends.events.last('leaderboardUpdated', board);
    if (newest === null) throw new Error('no event logged');
    let cursor = encodeCursor('leaderboardUpdated', board, newest.id);

    const seen: number[] = [];
    const endings: unknown[] = [];
    let stopped = false;
    let subscriptions = 0;
    // A fresh connection per subscription, so the test can also drop it, as a network would.
    let client = wsClient({ port: server.port });
    const follow = (async () => {
      while (!stopped) {
        client = wsClient({ port: server.port });
        subscriptions++;
        const stream = client.iterate<Data>({ query: AFTER, variables: { board, after: cursor } });
        try {
          for await (const result of stream) {
            const event = result.data?.leaderboardUpdated;
            if (event) {
              seen.push(event.score);
              cursor = event.cursor;
            }
            if (result.errors?.[0]) endings.push(result.errors[0].extensions?.code);
            if (stopped) break;
          }
        } catch (error) {
          // graphql-ws throws the errors an operation ended with (a disposed client just ends).
          const first: unknown = Array.isArray(error) ? error[0] : error;
          endings.push(
            typeof first === 'object' && first !== null && 'extensions' in first
              ? (first.extensions as { code?: unknown }).code
              : String(first),
          );
        }
        await client.dispose();
        if (!stopped) await sleep(200);
      }
    })();

    const answered: number[] = [];
    const refused: number[] = [];
    let longestMs = 0;
    const publish = (async () => {
      for (let score = 0; !stopped; score++) {
        const started = Date.now();
        try {
          await submit(score);
          longestMs = Math.max(longestMs, Date.now() - started);
          answered.push(score);
        } catch {
          refused.push(score); // may or may not have been applied: either is fine below
          await sleep(50);
        }
        await sleep(5);
      }
    })();

    await eventually(() => seen.length >= 50, 30_000, '50 events before the kill');
    const victim = await c.killMaster('{resume}');
    // The subscriber's connection drops in the failover window too: it resumes from its cursor
    // while the slot may still have no master (such a resume ends SERVICE_UNAVAILABLE and retries).
    await client.dispose();
    await c.waitForOk(60_000);
    const recovered = answered.length;
    await eventually(() => answered.length >= recovered + 50, 30_000, '50 answered scores after recovery');
    stopped = true;
    await publish;
    const last = answered.at(-1);
    await eventually(() => seen.includes(last ?? Number.NaN), 30_000, 'the last answered score received');
    const ended = [...endings]; // before the test's own last close
    const resumes = subscriptions - 1;
    await client.dispose();
    await follow;

    console.log(
      `resume: master ${victim.port} killed; ${answered.length} scores answered (the slowest in ${longestMs} ms), ${refused.length} refused; ` +
        `${resumes} resumes, ${ended.length} ended by an error (${ended.join(', ')}); ${seen.length} events received`,
    );
    expect(resumes).toBeGreaterThan(0); // the dropped connection at least
    for (const code of ended) expect(code).toBe('SERVICE_UNAVAILABLE');
    // Exactly once and in order (each score is submitted once, in increasing order)...
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    // ...every answered score among them, and nothing that was never submitted.
    const received = new Set(seen);
    expect(answered.filter((score) => !received.has(score))).toEqual([]);
    const submitted = new Set([...answered, ...refused]);
    expect(seen.filter((score) => !submitted.has(score))).toEqual([]);
  }, 180_000);
});
