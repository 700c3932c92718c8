import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSeconds, pinned, rssBytes } from './cores.js';
import type { IpcReply } from './ipc.js';

/** A bench process (a server or a client) started with tsx, pinned to a core, spoken to over IPC. */
export interface Child<Ready> {
  readonly name: string;
  readonly pid: number;
  /** What the process sent once it was ready. */
  readonly ready: Ready;
  /** Sends a request and resolves with the process's answer. */
  request<T>(type: string, payload?: unknown): Promise<T>;
  cpuSeconds(): number | null;
  rssBytes(): number | null;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  core: number;
  env?: Record<string, string>;
  args?: readonly string[];
  /** How long the process may take to send `ready`; default 120 s. */
  readyTimeoutMs?: number;
  /** Extra node flags (e.g. `--expose-gc`). */
  nodeFlags?: readonly string[];
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** `bench/<relative>` as a path, for child entries. */
export function benchFile(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

export async function startChild<Ready>(
  name: string,
  entry: string,
  options: StartOptions,
): Promise<Child<Ready>> {
  const [command, args] = pinned(options.core, process.execPath, [
    ...(options.nodeFlags ?? []),
    '--import',
    'tsx',
    entry,
    ...(options.args ?? []),
  ]);
  const child = spawn(command, args, {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  live.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready within ${options.readyTimeoutMs ?? 120_000} ms\n${stderr}`)),
      options.readyTimeoutMs ?? 120_000,
    );
    child.on('message', (raw: unknown) => {
      const message = raw as IpcReply;
      if (message.kind === 'ready') {
        clearTimeout(timer);
        resolve(message.value as Ready);
        return;
      }
      const waiter = pending.get(message.id);
      if (waiter === undefined) return;
      pending.delete(message.id);
      if (message.kind === 'ok') waiter.resolve(message.value);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${child.exitCode}) before it was ready\n${stderr}`));
      for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited\n${stderr}`));
    });
  });
  const pid = child.pid ?? -1;
  return {
    name,
    pid,
    ready,
    request<T>(type: string, payload?: unknown) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: (v) => resolve(v as T), reject });
        child.send({ id, type, payload });
      });
    },
    cpuSeconds: () => cpuSeconds(pid),
    rssBytes: () => rssBytes(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
