import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface NodeProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** What it printed, for failure messages. */
  output(): string;
  /** Resolves once a line of its output matches `pattern` (fails if it exits first). */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /** SIGKILL: no handler runs, nothing is cleaned up. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Runs one of the app's entry points (`src/worker.ts`, `src/main.ts`) as a process of its own. */
export function runEntry(entry: string, env: Record<string, string>): NodeProcess {
  // `node --import tsx` keeps it one process, so SIGKILL reaches the code itself.
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-64_000);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let done = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      done = true;
      for (const listener of listeners) listener();
      resolve();
    }),
  );
  const handle: NodeProcess = {
    child,
    exited,
    output: () => output,
    waitFor(pattern, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match !== null) finish(() => resolve(match[0]));
          else if (done) finish(() => reject(new Error(`${entry} exited before ${pattern}:\n${output}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`${entry}: no ${pattern} within ${ms} ms:\n${output}`))),
          ms,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!done) child.kill('SIGTERM');
      await exited;
    },
  };
  return handle;
}

/** SIGTERMs servers a test spawned itself and waits until each has exited. */
export async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (c) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null))),
    ),
  );
}

/** A GraphQL POST to a gateway process at `base` (`http://host:port`), with an optional token. */
export async function postGraphql<R>(
  base: string,
  query: string,
  token?: string,
): Promise<{ data?: R; errors?: unknown }> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: R; errors?: unknown };
}
