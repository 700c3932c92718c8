import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backup } from '../../src/backup/backup.js';
import { RestoreRefusedError, restore } from '../../src/backup/restore.js';
import { stateSections } from '../../src/backup/sections.js';
import { loadDemoData } from '../../src/seed/load-demo.js';
import { type BackendName, makeApp, type TestApp } from '../helpers/app.js';

const BACKENDS: readonly BackendName[] = ['embedded', 'mongodb'];

import { contents, sourceOf } from '../helpers/backup.js';

/** Ways a backup gets damaged after it was written, each applied to one of its files. */
const DAMAGES: ReadonlyArray<readonly [string, (text: string) => string]> = [
  // Still valid JSON, so only a checksum can tell.
  ['a changed value', (text) => text.replace('"Dupont"', '"Dupond"')],
  ['a truncated file', (text) => text.slice(0, Math.floor(text.length * 0.6))],
  ['a missing last line', (text) => text.split('\n').slice(0, -2).join('\n').concat('\n')],
  ['a broken last line', (text) => text.replace(/\}\n$/, '\n')],
];

for (const backend of BACKENDS) {
  describe(`restoring a damaged backup (${backend})`, () => {
    const dirs: string[] = [];
    const apps: TestApp[] = [];
    const app = async () => {
      const t = await makeApp(backend);
      apps.push(t);
      return t;
    };
    afterAll(async () => {
      for (const t of apps) await t.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    /** A backup of the demo data plus a leaderboard, in a new directory. */
    const demoBackup = async () => {
      const origin = await app();
      await loadDemoData(origin.services);
      await origin.backends.leaderboards.submit('tournoi', 'jean', 12);
      const root = mkdtempSync(join(tmpdir(), 'docgate-damaged-'));
      dirs.push(root);
      const dir = join(root, 'out');
      await backup(origin.backends.documents, stateSections(origin.backends), dir, sourceOf(origin));
      return dir;
    };

    it('writes every backup file readable by its owner only', async () => {
      const dir = await demoBackup();
      const files = [
        'manifest.json',
        ...['documents', 'state'].flatMap((d) => readdirSync(join(dir, d)).map((f) => join(d, f))),
      ];
      expect(files.length).toBeGreaterThan(3);
      for (const file of files) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    });

    for (const [damage, apply] of DAMAGES) {
      it(`refuses ${damage} before writing, and leaves the target as it was, with and without --drop`, async () => {
        const dir = await demoBackup();
        // customers.ejsonl is restored after other collections; any partial restore would show.
        const file = join(dir, 'documents', 'customers.ejsonl');
        writeFileSync(file, apply(readFileSync(file, 'utf8')));

        const empty = await app();
        const started = await contents(empty);
        await expect(
          restore(empty.backends.documents, stateSections(empty.backends), dir, { drop: false }),
        ).rejects.toBeInstanceOf(RestoreRefusedError);
        expect(await contents(empty)).toEqual(started);
        expect(started.state).toEqual({ leaderboards: [], counters: [] });

        const full = await app();
        await full.services.customers.create({
          lastName: 'Gardé',
          firstName: 'X',
          email: 'kept@example.com',
        });
        await full.backends.leaderboards.submit('kept', 'marie', 3);
        const before = await contents(full);
        await expect(
          restore(full.backends.documents, stateSections(full.backends), dir, { drop: true }),
        ).rejects.toBeInstanceOf(RestoreRefusedError);
        expect(await contents(full)).toEqual(before);
      });
    }

    it('refuses a state section whose records do not fit it, before writing anything', async () => {
      const dir = await demoBackup();
      const file = join(dir, 'state', 'leaderboards.ejsonl');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"player"', '"playa"'));
      const target = await app();
      const started = await contents(target);
      await expect(
        restore(target.backends.documents, stateSections(target.backends), dir, { drop: false }),
      ).rejects.toBeInstanceOf(RestoreRefusedError);
      expect(await contents(target)).toEqual(started);
    });
  });
}
