import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer } from '../../src/server.js';

/** What `npm start` does on a clean clone: the embedded default, demo data on the first start. */
describe('first start on the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'docgate-first-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = () =>
    startServer(
      loadConfig({
        PORT: '0',
        DATA_DIR: dataDir,
        ADMIN_EMAIL: 'admin@example.com',
        ADMIN_PASSWORD: 'correct horse battery',
      }),
      createLogger('silent'),
    );

  const gql = async (url: string, query: string, token?: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };
  const login = async (url: string) => {
    const result = await gql(
      url,
      'mutation { login(email: "admin@example.com", password: "correct horse battery") { token } }',
    );
    const token = (result.data?.login as { token?: string } | undefined)?.token;
    if (token === undefined) throw new Error(`login failed: ${JSON.stringify(result)}`);
    return token;
  };

  it('loads the demo data once, keeps what is written across a restart, and does not load it again', async () => {
    const first = await start();
    const token = await login(first.url);
    const listed = await gql(
      first.url,
      '{ customers(first: 10, orderBy: [{ field: LAST_NAME }]) { totalCount edges { node { lastName } } } }',
      token,
    );
    expect(listed.data?.customers).toMatchObject({ totalCount: 4 });
    expect(JSON.stringify(listed)).toMatch(/Dupont.*Durand.*Martin/);
    await gql(
      first.url,
      'mutation { createCustomer(input: { lastName: "Petit", firstName: "Luc", email: "luc@example.com" }) { id } }',
      token,
    );
    await first.close();

    const second = await start();
    const again = await gql(
      second.url,
      '{ customers(first: 10) { totalCount } orders(first: 10) { totalCount } }',
      await login(second.url),
    );
    expect(again.data).toEqual({ customers: { totalCount: 5 }, orders: { totalCount: 2 } });
    await second.close();
  });
});
