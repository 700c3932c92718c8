import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, postGraphql, runEntry } from '../helpers/processes.js';
import {
  getFreePort,
  type ManagedProcess,
  pingRedis,
  REDIS_BIN,
  spawnRedis,
  spawnServer,
  terminate,
  waitUntilReady,
} from '../helpers/servers.js';

/** A gateway that finds its Redis through Sentinel: `REDIS_URL=redis-sentinel://host:port/<master>`. */
describe('Redis through Sentinel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docgate-sentinel-'));
  const children: ManagedProcess[] = [];
  let gateway: NodeProcess;
  let gatewayPort: number;

  beforeAll(async () => {
    const [masterPort, sentinelPort] = [await getFreePort(), await getFreePort()];
    children.push(await spawnRedis(masterPort, dir));
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor docgate-main 127.0.0.1 ${masterPort} 1`,
        'sentinel down-after-milliseconds docgate-main 2000',
        '',
      ].join('\n'),
    );
    // A sentinel needs its config file first (it rewrites it), so not spawnRedis' argument list.
    const sentinel = spawnServer('redis-sentinel', REDIS_BIN, [conf, '--sentinel'], dir);
    children.push(sentinel);
    await waitUntilReady(sentinel, async () => void (await pingRedis(sentinelPort)));
    gatewayPort = await getFreePort();
    gateway = runEntry('src/main.ts', {
      PORT: String(gatewayPort),
      DATA_DIR: ':memory:',
      SEED_DEMO_DATA: 'false',
      REDIS_URL: `redis-sentinel://127.0.0.1:${sentinelPort}/docgate-main`,
    });
    await gateway.waitFor(/docgate listening/);
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(children.map(terminate));
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks the sentinel for the master and serves sessions and scores from it', async () => {
    const base = `http://127.0.0.1:${gatewayPort}`;
    expect(await (await fetch(`${base}/ready`)).json()).toEqual({
      ready: true,
      backends: { documents: true, redis: true },
    });
    const gql = (query: string, token?: string) =>
      postGraphql<Record<string, { token?: string; rank?: number }>>(base, query, token);
    const registered = await gql(
      'mutation { register(input: { email: "s@example.com", password: "correct horse battery" }) { token } }',
    );
    const token = registered.data?.register?.token;
    expect(token, JSON.stringify(registered)).toBeTypeOf('string');
    const scored = await gql(
      'mutation { submitScore(board: "sentinel", player: "jean", score: 7) { rank } }',
      token,
    );
    expect(scored.data?.submitScore?.rank).toBe(1);
  });
});
