import { Agent, request } from 'node:http';
import { createClient } from 'graphql-ws';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runEntry } from '../helpers/processes.js';
import { getFreePort } from '../helpers/servers.js';

type Outcome =
  | { kind: 'answered'; status: number }
  | { kind: 'refused' }
  | { kind: 'reset'; message: string };

/** One POST on the given agent; classifies how it ended. */
function post(port: number, agent: Agent): Promise<Outcome> {
  const body = JSON.stringify({
    query: '{ leaderboard(board: "load") { size top(first: 5) { player score } } }',
  });
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0 }));
        res.on('error', (error) => resolve({ kind: 'reset', message: error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === 'ECONNREFUSED'
          ? { kind: 'refused' }
          : { kind: 'reset', message: `${error.code}: ${error.message}` },
      ),
    );
    req.end(body);
  });
}

describe('SIGTERM', () => {
  it('under load: every accepted request is answered, subscribers are told to reconnect, the process exits 0', async () => {
    const port = await getFreePort();
    const server = runEntry('src/main.ts', {
      PORT: String(port),
      DATA_DIR: ':memory:',
      SEED_DEMO_DATA: 'false',
      RATE_LIMIT_POINTS: '1000000',
      LOG_LEVEL: 'info',
    });
    await server.waitFor(/docgate listening/);

    // A subscriber, to see how it is let go.
    const closes: number[] = [];
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    const subscribed = new Promise<void>((resolve) => {
      client.subscribe(
        { query: 'subscription { leaderboardUpdated(board: "load") { player } }' },
        { next: () => {}, error: () => resolve(), complete: () => resolve() },
      );
    });

    // Keep-alive clients sending continuously, as a load balancer's pool would.
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    const outcomes: Outcome[] = [];
    let sending = true;
    const workers = Array.from({ length: 20 }, async () => {
      while (sending) {
        const outcome = await post(port, agent);
        outcomes.push(outcome);
        if (outcome.kind === 'refused') return;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const answeredBefore = outcomes.filter((o) => o.kind === 'answered').length;
    server.child.kill('SIGTERM');
    await server.exited;
    sending = false;
    await Promise.all(workers);
    await subscribed;
    agent.destroy();

    expect(server.child.exitCode, server.output()).toBe(0);
    expect(answeredBefore).toBeGreaterThan(20);
    // Requests already on their way when the signal came were served, not dropped.
    expect(outcomes.filter((o) => o.kind === 'answered').length).toBeGreaterThan(answeredBefore);
    const resets = outcomes.filter((o) => o.kind === 'reset');
    expect(resets, JSON.stringify(resets.slice(0, 3))).toEqual([]);
    expect(
      outcomes.filter((o) => o.kind === 'answered').every((o) => o.kind === 'answered' && o.status === 200),
    ).toBe(true);
    // 1012 Service Restart / 1001 Going Away: both tell a client to reconnect, elsewhere.
    expect([1001, 1012]).toContain(closes[0]);
  });
});
