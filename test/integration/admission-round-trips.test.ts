import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MeDocument, SubmitScoreDocument } from '../generated/operations.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { uniqueName } from '../helpers/names.js';

/**
 * Round trips to Redis, counted with MONITOR: a command a client sends is one, a MULTI..EXEC
 * block is one, the commands a script runs are none. Only this app's keys count (the run's
 * Redis is shared with other test files).
 */
async function countRoundTrips(url: string, prefix: string) {
  const monitor = await new Redis(url, { lazyConnect: true }).monitor();
  const blocks = new Map<string, boolean>();
  let trips = 0;
  const ours = (args: string[]) => args.some((arg) => arg.startsWith(prefix));
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    const command = (args[0] ?? '').toLowerCase();
    if (command === 'multi') blocks.set(source, false);
    else if (command === 'exec' && blocks.has(source)) {
      if (blocks.get(source) === true) trips++;
      blocks.delete(source);
    } else if (blocks.has(source)) {
      if (ours(args)) blocks.set(source, true);
    } else if (ours(args)) trips++;
  });
  const marker = `${prefix}end:${uniqueName('m')}`;
  return {
    /** The round trips seen so far, once MONITOR has shown everything sent before. */
    async stop(): Promise<number> {
      const control = new Redis(url);
      const seen = new Promise<void>((resolve) => {
        monitor.on('monitor', (_time: string, args: string[]) => {
          if (args[1] === marker) resolve();
        });
      });
      await control.exists(marker);
      await seen;
      control.disconnect();
      monitor.disconnect();
      return trips - 1; // the marker itself
    },
  };
}

describe('Redis round trips before an operation runs', () => {
  const url = inject('redisUrl');
  const prefix = `${uniqueName('rt')}:`;
  let app: TestApp;
  let headers: Record<string, string>;

  beforeAll(async () => {
    app = await makeApp('embedded', { REDIS_URL: url, REDIS_PREFIX: prefix, RATE_LIMIT_POINTS: '100' });
    headers = await app.signIn();
    // Loads the scripts (a server that does not know one answers EVALSHA with NOSCRIPT once).
    await app.run(MeDocument, {}, headers);
    await app.run(MeDocument, {}, {});
  });
  afterAll(() => app.close());

  it('checks the session and spends the point in one round trip, for a signed-in query', async () => {
    const counter = await countRoundTrips(url, prefix);
    const response = await app.fetch(MeDocument, {}, headers);
    const trips = await counter.stop();
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { me: { email: string } } }).data.me.email).toMatch(/@/);
    // The point came from the account's budget: its second request (after the warm-up).
    expect(response.headers.get('RateLimit-Remaining')).toBe('98');
    expect(trips).toBe(1);
  });

  it("spends a bad token's point from its address, in one round trip too", async () => {
    const bad = { authorization: `Bearer ${'x'.repeat(43)}` };
    const counter = await countRoundTrips(url, prefix);
    const response = await app.fetch(MeDocument, {}, bad);
    const trips = await counter.stop();
    expect(response.status).toBe(401);
    // The anonymous warm-up request spent the address's first point.
    expect(response.headers.get('RateLimit-Remaining')).toBe('98');
    expect(trips).toBe(1);
    const anonymous = await countRoundTrips(url, prefix);
    await app.fetch(MeDocument, {}, {});
    expect(await anonymous.stop()).toBe(1);
  });

  it('costs an authenticated submitScore 2 round trips: admission, then score and event', async () => {
    const input = { board: uniqueName('board'), player: 'p1', score: 10 };
    // The score and its event alone, as the service sends them: one script changes the board,
    // appends the event to its stream and publishes it.
    const alone = await countRoundTrips(url, prefix);
    await app.services.leaderboards.submit(input);
    const scoreTrips = await alone.stop();
    const counter = await countRoundTrips(url, prefix);
    const result = await app.run(SubmitScoreDocument, { ...input, score: 20 }, headers);
    const trips = await counter.stop();
    expect(result.errors).toBeUndefined();
    expect(result.data?.submitScore.score).toBe(20);
    expect(scoreTrips).toBe(1);
    expect(trips).toBe(2);
  });
});
