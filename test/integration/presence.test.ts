import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { LeaderboardUpdatedDocument, OnlineUsersDocument } from '../generated/operations.js';
import { runEntry } from '../helpers/processes.js';
import {
  cleanupAfterEach,
  deferredInstance,
  deployment,
  embedded,
  eventually,
  post,
  signIn,
  sseSubscribe,
  wsClient,
  wsSubscribe,
} from '../helpers/realtime.js';

const defer = cleanupAfterEach();

const instance = (env: Record<string, string>) => deferredInstance(defer, env);

/** Opens a subscription connection for this caller; resolves once the server has acknowledged it. */
async function connect(server: { port: number }, authorization?: string) {
  const client = wsClient(server, authorization);
  const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  const stream = wsSubscribe(client, LeaderboardUpdatedDocument, { board: 'presence' });
  void stream.next().catch(() => undefined);
  await connected;
  const close = async () => {
    await stream.return?.();
    await client.dispose();
  };
  defer(close);
  return close;
}

async function online(server: RunningServer, authorization: string): Promise<number> {
  const r = await post(server, OnlineUsersDocument, {}, authorization);
  if (r.errors !== undefined) throw new Error(JSON.stringify(r.errors));
  return r.data?.onlineUsers ?? Number.NaN;
}

async function expectOnline(server: RunningServer, authorization: string, count: number): Promise<void> {
  await eventually(async () => (await online(server, authorization)) === count, 15_000, `${count} online`);
  expect(await online(server, authorization)).toBe(count);
}

describe('onlineUsers', () => {
  it('counts accounts with an open subscription connection on any instance, each once', async () => {
    const env = deployment();
    const [a, b] = [await instance(env), await instance(env)];
    const ann = await signIn(a);
    const bob = await signIn(a);
    const reader = await signIn(a);
    await expectOnline(b, reader, 0);
    const annOnA = await connect(a, ann);
    await expectOnline(b, reader, 1);
    const annOnB = await connect(b, ann);
    await connect(b, bob);
    await connect(a); // anonymous: not an account
    await expectOnline(a, reader, 2);
    await annOnA();
    await eventually(() => a.websocket.connections === 1, 10_000, 'the connection closed on a');
    expect(await online(a, reader)).toBe(2); // still held on b
    await annOnB();
    await expectOnline(a, reader, 1);
  });

  it('counts a signed-in SSE subscriber on the embedded default, and needs a signed-in reader', async () => {
    const server = await instance(embedded());
    const ann = await signIn(server);
    const anonymous = await post(server, OnlineUsersDocument, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await expectOnline(server, ann, 0);
    const stream = await sseSubscribe(
      server,
      LeaderboardUpdatedDocument,
      { board: 'p' },
      { authorization: ann },
    );
    await expectOnline(server, ann, 1);
    await stream.return?.();
    await expectOnline(server, ann, 0);
  });

  it('stops counting the accounts of an instance that died without cleaning up', async () => {
    const env = deployment({ PRESENCE_TTL_SECONDS: '2' });
    const survivor = await instance(env);
    const reader = await signIn(survivor);
    const ann = await signIn(survivor);
    const doomed = runEntry('src/main.ts', env);
    defer(() => doomed.kill());
    const port = Number(
      /"url":"http:\/\/127\.0\.0\.1:(\d+)/.exec(
        await doomed.waitFor(/"url":"http:\/\/127\.0\.0\.1:\d+/),
      )?.[1],
    );
    await connect({ port }, ann);
    await expectOnline(survivor, reader, 1);
    await doomed.kill();
    expect(doomed.child.signalCode).toBe('SIGKILL');
    // Its entry is no longer refreshed: it expires within the TTL, with nobody removing it.
    await expectOnline(survivor, reader, 0);
  });
});
