import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../scripts/install-test-servers.sh', import.meta.url).pathname;

describe('scripts/install-test-servers.sh (npm pretest)', () => {
  const root = mkdtempSync(join(tmpdir(), 'test-servers-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Runs a copy of the script beside stand-in install scripts: name -> body. */
  const run = (installers: Record<string, string>) => {
    const dir = join(root, String(Math.random()).slice(2));
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    copyFileSync(SCRIPT, join(dir, 'scripts', 'install-test-servers.sh'));
    for (const [name, body] of Object.entries(installers)) writeFileSync(join(dir, 'scripts', name), body);
    return spawnSync('bash', [join(dir, 'scripts', 'install-test-servers.sh')], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir },
    });
  };

  it('runs each install script that exists, one line each, their chatter kept in a log', () => {
    const result = run({
      'install-redis.sh': 'echo lots of apt output; echo "install-redis-server: Redis 7"',
      'install-chromium.sh': 'echo "install-chromium: Chromium 156"',
    });
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^test set-up: redis-server\.\.\. ok \(\d+s\) Redis 7$/);
    expect(lines[1]).toMatch(/Chromium.*ok.*Chromium 156$/);
    expect(result.stdout).not.toContain('apt output');
  });

  it('stops at a step that fails, showing its log', () => {
    const result = run({
      'install-redis.sh': 'echo "no package here" >&2; exit 3',
      'install-chromium.sh': 'echo "install-chromium: never reached"',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/redis-server\.\.\. FAILED, log: /);
    expect(result.stdout).not.toContain('Chromium');
    expect(result.stderr).toContain('no package here');
  });
});
