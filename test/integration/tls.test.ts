import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocumentDBServer, startDocumentDB } from '../helpers/documentdb.js';
import { type NodeProcess, postGraphql, runEntry } from '../helpers/processes.js';
import { getFreePort, type ManagedProcess, spawnRedis, tcpConnect, terminate } from '../helpers/servers.js';

/** A gateway whose MongoDB and Redis both speak TLS only, Redis behind a password. */
describe('TLS and credentials in MONGODB_URL and REDIS_URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docgate-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  let redis: ManagedProcess | undefined;
  let gateway: NodeProcess;
  let gatewayPort: number;
  let mongo: DocumentDBServer | undefined;

  beforeAll(async () => {
    // One self-signed certificate for 127.0.0.1, trusted by the gateway as its own CA.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const redisPort = await getFreePort();
    // TLS only (`--port 0` overrides spawnRedis' plain port), so ready means: it accepts TCP.
    redis = await spawnRedis(
      redisPort,
      dir,
      [
        '--port',
        '0',
        '--tls-port',
        String(redisPort),
        '--tls-cert-file',
        cert,
        '--tls-key-file',
        key,
        '--tls-ca-cert-file',
        cert,
        '--tls-auth-clients',
        'no',
        '--requirepass',
        's3cret-pass',
      ],
      () => tcpConnect(redisPort),
    );
    mongo = await startDocumentDB({ tls: { certFile: cert, keyFile: key } });
    const mongoPort = mongo.port;
    gatewayPort = await getFreePort();
    gateway = runEntry('src/main.ts', {
      PORT: String(gatewayPort),
      MONGODB_URL: `mongodb://127.0.0.1:${mongoPort}/?tls=true&tlsCAFile=${encodeURIComponent(cert)}`,
      MONGODB_DB: 'tls',
      REDIS_URL: `rediss://:s3cret-pass@127.0.0.1:${redisPort}`,
      // How Node trusts a private CA for every TLS client in the process (ioredis, BullMQ).
      NODE_EXTRA_CA_CERTS: cert,
    });
    await gateway.waitFor(/docgate listening/);
  });
  afterAll(async () => {
    await gateway?.stop();
    if (redis) await terminate(redis);
    await mongo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is ready, serves sessions, documents and scores over TLS, and never logs the password', async () => {
    const base = `http://127.0.0.1:${gatewayPort}`;
    const ready = await fetch(`${base}/ready`);
    expect(await ready.json()).toEqual({ ready: true, backends: { documents: true, redis: true } });
    const gql = (query: string, token?: string) =>
      postGraphql<Record<string, { token?: string; rank?: number; id?: string }>>(base, query, token);
    const registered = await gql(
      'mutation { register(input: { email: "tls@example.com", password: "correct horse battery" }) { token } }',
    );
    const token = registered.data?.register?.token;
    expect(token, JSON.stringify(registered)).toBeTypeOf('string');
    const created = await gql(
      'mutation { createCustomer(input: { lastName: "Sûr", firstName: "Tls", email: "c@tls.example" }) { id } }',
      token,
    );
    expect(created.data?.createCustomer?.id).toMatch(/^[0-9a-f]{24}$/);
    const scored = await gql(
      'mutation { submitScore(board: "tls", player: "jean", score: 3) { rank } }',
      token,
    );
    expect(scored.data?.submitScore?.rank).toBe(1);
    expect(gateway.output()).not.toContain('s3cret-pass');
  });
});
