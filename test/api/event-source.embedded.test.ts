import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { eventually, nextData, type SseStream, sseRequest } from '../helpers/realtime.js';

const ENDPOINT = 'http://docgate.test/graphql';
const LIVE = 'subscription { leaderboardUpdated(board: "es") { player score } }';

/** What a browser's `new EventSource(url)` sends: a GET asking for text/event-stream, no headers of ours. */
const eventSource = <R>(t: TestApp, params: Record<string, string>): Promise<SseStream<R>> =>
  sseRequest<R>(
    `${ENDPOINT}?${new URLSearchParams(params)}`,
    { headers: { accept: 'text/event-stream' } },
    (url, init) => t.app.fetch(url, init),
  );

describe('a browser EventSource subscribes with ?access_token=', () => {
  let t: TestApp;
  const logLines: string[] = [];
  let token: string;
  beforeAll(async () => {
    t = await makeApp(
      'embedded',
      {},
      { logger: createLogger('info', { write: (line) => logLines.push(line) }) },
    );
    token = (await t.signIn()).authorization?.replace(/^Bearer /, '') ?? '';
  });
  afterAll(async () => {
    await t.close();
  });

  it('streams events as the signed-in account, which counts as online meanwhile', async () => {
    const stream = await eventSource<{ leaderboardUpdated: { player: string } }>(t, {
      query: LIVE,
      access_token: token,
    });
    try {
      expect(stream.status).toBe(200);
      await eventually(async () => (await t.services.presence.count()) === 1, 10_000, 'online');
      await t.services.leaderboards.submit({ board: 'es', player: 'ana', score: 3 });
      expect((await nextData(stream)).leaderboardUpdated.player).toBe('ana');
    } finally {
      await stream.return?.();
    }
    await eventually(async () => (await t.services.presence.count()) === 0, 10_000, 'offline');
  });

  it('refuses a dead token with 401, never streaming anonymously', async () => {
    const stream = await eventSource(t, { query: LIVE, access_token: 'x'.repeat(43) });
    expect(stream.status).toBe(401);
    await stream.return?.();
  });

  it('refuses access_token anywhere but a GET for text/event-stream, or beside a header', async () => {
    const query = encodeURIComponent('{ me { email } }');
    const asJson = await t.app.fetch(`${ENDPOINT}?query=${query}&access_token=${token}`, {
      headers: { accept: 'application/json' },
    });
    expect(asJson.status).toBe(400);
    const post = await t.app.fetch(`${ENDPOINT}?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: LIVE }),
    });
    expect(post.status).toBe(400);
    const both = await t.app.fetch(`${ENDPOINT}?query=${encodeURIComponent(LIVE)}&access_token=${token}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { errors: Array<{ extensions: unknown }> }).errors[0]?.extensions).toEqual(
      {
        code: 'BAD_USER_INPUT',
        field: 'access_token',
      },
    );
  });

  it('keeps the token out of the request log', async () => {
    await eventually(() => logLines.some((line) => line.includes('"status":401')), 5000, 'logged');
    expect(logLines.join('\n')).not.toContain(token);
  });
});
