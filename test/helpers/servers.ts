/**
 * Throwaway Redis servers for tests, and the process helpers every test server uses (the
 * MongoDB-wire server is in documentdb.ts, the Redis Cluster in redis-cluster.ts).
 *
 * Each server runs on a free 127.0.0.1 port, in a fresh temp directory that is removed on stop().
 * Redis is `redis-server` on PATH (`bash scripts/install-redis.sh`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';

export const REDIS_BIN = 'redis-server';

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;
const OUTPUT_LIMIT = 16_384;

export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Whether the server process is currently running. */
  readonly running: boolean;
  /** Stops the server (SIGTERM, waits for exit) and removes its temp directory. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with an empty data set. No-op when already running. */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Sends `signal` to the running server: SIGSTOP pauses it (connections stay open), SIGCONT resumes. */
  signal(signal: NodeJS.Signals): void;
}

// ---------------------------------------------------------------------------------------------------------
// Process management

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited (or failed to spawn); never rejects. */
  readonly exited: Promise<void>;
  hasExited(): boolean;
  /** Last part of stdout+stderr, plus a spawn error if there was one. */
  output(): string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the test runner dies without running teardowns, do not leave servers behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export function spawnServer(
  name: string,
  command: string,
  args: readonly string[],
  cwd: string,
  user: { uid?: number; gid?: number } = {},
): ManagedProcess {
  installExitHook();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...user });
  let buffered = '';
  let spawnError: Error | undefined;
  let done = false;
  const collect = (chunk: Buffer): void => {
    buffered = (buffered + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  live.add(child);
  const exited = new Promise<void>((resolve) => {
    const finish = (): void => {
      done = true;
      live.delete(child);
      resolve();
    };
    child.once('exit', finish);
    child.once('error', (err) => {
      spawnError = err;
      // When spawning fails there is no 'exit' event.
      if (child.pid === undefined) finish();
    });
  });
  return {
    name,
    child,
    exited,
    hasExited: () => done,
    output: () => {
      const status = done
        ? ` (exit code ${child.exitCode ?? 'null'}, signal ${child.signalCode ?? 'none'})`
        : '';
      const error = spawnError ? `spawn error: ${spawnError.message}\n` : '';
      return `${error}${name}${status} output:\n${buffered.trim() || '(none)'}`;
    },
  };
}

/** SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_MS; resolves once it has exited. */
export async function terminate(proc: ManagedProcess): Promise<void> {
  if (proc.hasExited()) return;
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    proc.exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer); // a pending timer would keep the event loop (and the test run) alive
  if (timedOut) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

export class StartupError extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/** Polls `probe` until it succeeds; fails early if the process exits. */
export async function waitUntilReady(proc: ManagedProcess, probe: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError: unknown;
  for (;;) {
    if (proc.hasExited()) {
      const output = proc.output();
      throw new StartupError(
        `${proc.name} exited during startup.\n${output}`,
        /address already in use/i.test(output),
      );
    }
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? lastError.message : String(lastError);
      throw new StartupError(
        `${proc.name} did not become ready within ${STARTUP_TIMEOUT_MS} ms (last error: ${reason}).\n${proc.output()}`,
        false,
      );
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Network helpers

/** A currently free TCP port on 127.0.0.1 (the OS picks it; another process could still take it). */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Resolves once a TCP connection to host:port succeeds. */
export function tcpConnect(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host });
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`timed out connecting to ${host}:${port}`));
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

/**
 * Sends an inline `PING` over a raw socket and resolves with the first reply line,
 * e.g. `+PONG` (or `-LOADING ...` while Redis is loading). Rejects on connection errors/timeouts.
 */
export function pingRedis(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host });
    let received = '';
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      const end = received.indexOf('\r\n');
      if (end !== -1) {
        socket.destroy();
        resolve(received.slice(0, end));
      }
    });
    socket.once('timeout', () => fail(new Error(`timed out waiting for PING reply from ${host}:${port}`)));
    socket.once('error', fail);
    socket.once('close', () => fail(new Error(`connection to ${host}:${port} closed before a PING reply`)));
  });
}

export async function mongoPing(url: string): Promise<void> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 2_000,
    connectTimeoutMS: 2_000,
    directConnection: true,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Servers

export function missingBinary(what: string, script: string): Error {
  return new Error(`${what} is not installed. Run \`bash scripts/${script}\` from the repository root.`);
}

/**
 * Runs `attempt` with `count` distinct fresh ports until it does not fail because one of them was
 * taken meanwhile.
 */
export async function withFreePorts<T>(count: number, attempt: (ports: number[]) => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    const ports = new Set<number>();
    while (ports.size < count) ports.add(await getFreePort());
    try {
      return await attempt([...ports]);
    } catch (err) {
      if (!(err instanceof StartupError && err.addressInUse) || i >= PORT_ATTEMPTS) throw err;
    }
  }
}

/** withFreePorts for one port. */
export function withFreePort<T>(attempt: (port: number) => Promise<T>): Promise<T> {
  return withFreePorts(1, ([port]) => {
    if (port === undefined) throw new Error('no free port');
    return attempt(port);
  });
}

/**
 * Spawns a non-persistent `redis-server` on 127.0.0.1:`port` with its working files in `dir`, plus
 * `extraArgs` (`--name value` pairs; a later option overrides an earlier one, so `--port 0
 * --tls-port N` makes it TLS-only), and resolves once `ready` succeeds (by default: it answers
 * PING on `port`). If it does not, it is stopped and the promise rejects (with an install hint
 * when redis-server is missing).
 */
export async function spawnRedis(
  port: number,
  dir: string,
  extraArgs: readonly string[] = [],
  ready: () => Promise<void> = async () => {
    const reply = await pingRedis(port);
    if (reply !== '+PONG') throw new Error(`unexpected PING reply: ${reply}`);
  },
): Promise<ManagedProcess> {
  const proc = spawnServer(
    'redis-server',
    REDIS_BIN,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
      ...extraArgs,
    ],
    dir,
  );
  try {
    await waitUntilReady(proc, ready);
  } catch (err) {
    await terminate(proc);
    if (/ENOENT/.test(proc.output())) throw missingBinary('redis-server', 'install-redis.sh');
    throw err;
  }
  return proc;
}

/** Starts a throwaway, non-persistent Redis; the handle can stop and restart it on the same port. */
export async function startRedis(): Promise<RedisServer> {
  let current: { proc: ManagedProcess; dir: string } | undefined;

  const stop = async (): Promise<void> => {
    const running = current;
    current = undefined;
    if (!running) return;
    await terminate(running.proc);
    await rm(running.dir, { recursive: true, force: true });
  };

  const launch = async (port: number): Promise<void> => {
    if (current && !current.proc.hasExited()) return;
    await stop(); // clean up after a crashed process
    const dir = await mkdtemp(join(tmpdir(), 'docgate-redis-'));
    try {
      current = { proc: await spawnRedis(port, dir), dir };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  };

  const port = await withFreePort(async (candidate) => {
    await launch(candidate);
    return candidate;
  });

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get running() {
      return current !== undefined && !current.proc.hasExited();
    },
    stop,
    start: () => launch(port),
    restart: async () => {
      await stop();
      await launch(port);
    },
    signal: (signal) => {
      if (current === undefined || !current.proc.child.kill(signal))
        throw new Error(`redis-server not running: ${signal}`);
    },
  };
}
