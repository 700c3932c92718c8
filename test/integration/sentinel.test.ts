import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, postGraphql, runEntry, stopChildren } from '../helpers/processes.js';
import { getFreePort, pingRedis } from '../helpers/servers.js';

/** A gateway that finds its Redis through Sentinel: `REDIS_URL=redis-sentinel://host:port/<master>`. */
describe('Redis through Sentinel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docgate-sentinel-'));
  const children: ChildProcess[] = [];
  let gateway: NodeProcess;
  let gatewayPort: number;

  const until = async (probe: () => Promise<unknown>) => {
    for (let i = 0; i < 100; i++) {
      try {
        return await probe();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error('never answered');
  };

  beforeAll(async () => {
    const [masterPort, sentinelPort] = [await getFreePort(), await getFreePort()];
    children.push(
      spawn(
        'redis-server',
        [
          '--port',
          String(masterPort),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
        ],
        {
          stdio: 'ignore',
        },
      ),
    );
    await until(() => pingRedis(masterPort));
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
    children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    await until(() => pingRedis(sentinelPort));
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
    await stopChildren(children);
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
