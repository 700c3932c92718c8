import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../scripts/check-node.mjs', import.meta.url).pathname;

describe('scripts/check-node.mjs (prestart and postinstall)', () => {
  const root = mkdtempSync(join(tmpdir(), 'check-node-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Runs a copy of the script beside a package.json that asks for `range`. */
  const check = (range: string, ...args: string[]) => {
    const dir = join(root, String(Math.random()).slice(2));
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: { node: range } }));
    copyFileSync(SCRIPT, join(dir, 'scripts', 'check-node.mjs'));
    return spawnSync(process.execPath, [join(dir, 'scripts', 'check-node.mjs'), ...args], {
      encoding: 'utf8',
    });
  };

  it('says nothing and lets the start go on when Node is recent enough', () => {
    const run = check('>=1.0.0');
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe('');
  });

  it('refuses an older Node in one line that says what to do', () => {
    const run = check('>=99.0.0');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`this is v${process.versions.node}`);
    expect(run.stderr).toContain('npx -y -p node@22 npm start');
  });

  it('only notes it, in one line, after npm install', () => {
    const run = check('>=99.0.0', '--notice');
    expect(run.status).toBe(0);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
