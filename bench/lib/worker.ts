import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pinned, SERVER_CORE } from './cores.js';

/** `npm run worker` (src/worker.ts) as its own process, pinned; `stop` sends SIGTERM and waits. */
export function startWorker(
  env: Record<string, string>,
  core = SERVER_CORE,
): { pid: number; stop(): Promise<void> } {
  const entry = fileURLToPath(new URL('../../src/worker.ts', import.meta.url));
  const [command, args] = pinned(core, process.execPath, ['--import', 'tsx', entry]);
  const child = spawn(command, args, { stdio: 'ignore', env: { ...process.env, ...env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      child.kill('SIGKILL');
    },
  };
}
