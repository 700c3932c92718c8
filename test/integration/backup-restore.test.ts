import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { backup } from '../../src/backup/backup.js';
import { RestoreRefusedError, restore } from '../../src/backup/restore.js';
import { stateSections } from '../../src/backup/sections.js';
import type { StoredDoc } from '../../src/datasources/ports/documents.js';
import { loadDemoData } from '../../src/seed/load-demo.js';
import { makeApp, type TestApp } from '../helpers/app.js';
import { contents, sourceOf } from '../helpers/backup.js';
import { uniqueName } from '../helpers/names.js';

const run = promisify(execFile);

describe('backup and restore', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'docgate-backup-')), 'out');
    dirs.push(dir);
    return dir;
  };
  const apps: TestApp[] = [];
  const app = async (...args: Parameters<typeof makeApp>) => {
    const t = await makeApp(...args);
    apps.push(t);
    return t;
  };
  afterAll(async () => {
    for (const t of apps) await t.close();
    for (const dir of dirs) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('round-trips embedded -> MongoDB + Redis -> embedded with the same documents and state', async () => {
    const origin = await app('embedded');
    await loadDemoData(origin.services);
    const [product] = await origin.backends.documents
      .collection<StoredDoc>('products')
      .find({}, { limit: 1 });
    for (let i = 0; i < 3; i++) await origin.backends.counters.increment(`product:${product?._id}:views`);
    await origin.backends.leaderboards.submit('tournoi:2024', 'jean', 1200.5);
    await origin.backends.leaderboards.submit('tournoi:2024', 'marie', 980);
    await origin.backends.leaderboards.submit('blitz', 'pierre', -3);
    const before = await contents(origin);
    expect(Object.keys(before.documents)).toEqual(
      expect.arrayContaining(['customers', 'orders', 'products']),
    );
    expect(before.state.counters).toHaveLength(1);
    expect(before.state.leaderboards).toHaveLength(3);

    const first = newDir();
    await backup(origin.backends.documents, stateSections(origin.backends), first, sourceOf(origin));
    const middle = await app('mongodb');
    await restore(middle.backends.documents, stateSections(middle.backends), first, { drop: false });
    expect(await contents(middle)).toEqual(before);

    const second = newDir();
    await backup(middle.backends.documents, stateSections(middle.backends), second, sourceOf(middle));
    const last = await app('embedded');
    await restore(last.backends.documents, stateSections(last.backends), second, { drop: false });
    const after = await contents(last);
    expect(after).toEqual(before);
    expect(after.documents.customers?.[0]?.registeredAt).toBeInstanceOf(Date);
  });

  it('refuses to restore into a target that holds data, unless told to drop it', async () => {
    const origin = await app('embedded');
    await loadDemoData(origin.services);
    const dir = newDir();
    await backup(origin.backends.documents, stateSections(origin.backends), dir, sourceOf(origin));

    const target = await app('embedded');
    await target.services.customers.create({ lastName: 'Gardé', firstName: 'X', email: 'kept@example.com' });
    await expect(
      restore(target.backends.documents, stateSections(target.backends), dir, { drop: false }),
    ).rejects.toBeInstanceOf(RestoreRefusedError);
    expect(await target.backends.documents.collection<StoredDoc>('customers').count({})).toBe(1);
    await restore(target.backends.documents, stateSections(target.backends), dir, { drop: true });
    expect(await contents(target)).toEqual(await contents(origin));
  });

  it('refuses a directory without a manifest (an interrupted backup), and a non-empty backup directory', async () => {
    const origin = await app('embedded');
    const empty = newDir();
    await expect(restore(origin.backends.documents, [], empty, { drop: false })).rejects.toThrow(/manifest/);
    const dir = newDir();
    await backup(origin.backends.documents, [], dir, sourceOf(origin));
    await expect(backup(origin.backends.documents, [], dir, sourceOf(origin))).rejects.toThrow(/not empty/);
  });

  it('runs as `npm run backup` / `npm run restore` against whatever the settings name', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'docgate-data-'));
    const out = newDir();
    const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    // The demo data is loaded on a first start; `seed` does the same without serving.
    await run('npx', ['tsx', 'src/seed.ts'], { env });
    const backedUp = await run('npx', ['tsx', 'src/cli.ts', 'backup', '--out', out], { env });
    expect(JSON.parse(backedUp.stdout)).toMatchObject({ backedUp: out });
    const db = uniqueName('cli');
    const mongoEnv = {
      ...process.env,
      MONGODB_URL: inject('mongodbUrl'),
      MONGODB_DB: db,
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: `${db}:`,
      LOG_LEVEL: 'silent',
    };
    const restored = await run('npx', ['tsx', 'src/cli.ts', 'restore', '--from', out], { env: mongoEnv });
    expect(JSON.parse(restored.stdout).collections).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'customers', count: 4 })]),
    );
    const again = run('npx', ['tsx', 'src/cli.ts', 'restore', '--from', out], { env: mongoEnv });
    await expect(again).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--drop/) });
    const usage = run('npx', ['tsx', 'src/cli.ts', 'restore'], { env: mongoEnv });
    await expect(usage).rejects.toMatchObject({ code: 2 });
    rmSync(dataDir, { recursive: true, force: true });
  });
});
