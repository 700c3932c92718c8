/**
 * A throwaway MongoDB-wire server for tests: FerretDB 2.7 on a PostgreSQL 15 cluster of its own with
 * the DocumentDB extension (`bash scripts/install-documentdb.sh` builds and installs both).
 *
 * Each call makes a fresh cluster in a temp directory (owned by the `postgres` user when the tests
 * run as root, since initdb refuses root), on free 127.0.0.1 ports with the unix socket in that
 * directory, so the machine's own PostgreSQL is never touched. stop() removes everything.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type ManagedProcess,
  missingBinary,
  mongoPing,
  StartupError,
  spawnServer,
  tcpConnect,
  terminate,
  waitUntilReady,
  withFreePort,
} from './servers.js';

export const DOCUMENTDB_FERRETDB_BIN: string = fileURLToPath(
  new URL('../../.tools/documentdb/bin/ferretdb', import.meta.url),
);
const PG_BIN = '/usr/lib/postgresql/15/bin';
const SCRIPT = 'install-documentdb.sh';

const run = promisify(execFile);
/** As the superuser, on database postgres, without ~/.psqlrc, stopping at the first error. */
const PSQL_FLAGS = ['-U', 'postgres', '-d', 'postgres', '-X', '-q', '-v', 'ON_ERROR_STOP=1'];

export interface DocumentDBServer {
  /** `mongodb://127.0.0.1:PORT/` */
  readonly url: string;
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:PGPORT/postgres`, the cluster behind it. */
  readonly postgresUrl: string;
  readonly postgresPort: number;
  /** The last of PostgreSQL's own log (its stderr), with its exit status once it has stopped. */
  postgresOutput(): string;
  /** Stops FerretDB and the cluster and removes its directory. */
  stop(): Promise<void>;
}

export interface DocumentDBOptions {
  /** Serve the MongoDB wire over TLS only, with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** PostgreSQL settings added to (or replacing) the test ones, e.g. a bulk load's memory. */
  settings?: Readonly<Record<string, string>>;
}

/** Settings from ../shared/vendor/documentdb/NOTES.md; durability is off: the data is thrown away. */
const POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  shared_preload_libraries: 'pg_cron,pg_documentdb_core,pg_documentdb',
  'cron.database_name': 'postgres',
  listen_addresses: '127.0.0.1',
  max_connections: '300',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  'documentdb.enableCompact': 'true',
  'documentdb.enableLetAndCollationForQueryMatch': 'true',
  'documentdb.enableNowSystemVariable': 'true',
  'documentdb.enableSortbyIdPushDownToPrimaryKey': 'true',
  'documentdb.enableSchemaValidation': 'true',
  'documentdb.enableBypassDocumentValidation': 'true',
  'documentdb.enableUserCrud': 'true',
  'documentdb.maxUserLimit': '100',
};

interface Account {
  uid?: number;
  gid?: number;
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` user. */
function clusterAccount(): Account {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root, but there is no `postgres` user to run the test cluster as');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

async function startCluster(
  dir: string,
  account: Account,
  extra: Readonly<Record<string, string>>,
): Promise<{ proc: ManagedProcess; port: number; socketDir: string }> {
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'run');
  await mkdir(socketDir);
  if (account.uid !== undefined && account.gid !== undefined) {
    await Promise.all([dir, socketDir].map((path) => chown(path, account.uid ?? 0, account.gid ?? 0)));
  }
  await run(
    join(PG_BIN, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    { ...account, cwd: dir },
  );
  return withFreePort(async (port) => {
    const settings = {
      ...POSTGRES_SETTINGS,
      ...extra,
      port: String(port),
      unix_socket_directories: socketDir,
    };
    const args = [
      '-D',
      dataDir,
      ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ];
    const proc = spawnServer('postgres', join(PG_BIN, 'postgres'), args, dir, account);
    try {
      await waitUntilReady(proc, () => psql(socketDir, port, account, 'SELECT 1').then(() => undefined));
    } catch (err) {
      await terminate(proc);
      throw err;
    }
    return { proc, port, socketDir };
  });
}

function psql(socketDir: string, port: number, account: Account, sql: string): Promise<{ stdout: string }> {
  return run(join(PG_BIN, 'psql'), ['-h', socketDir, '-p', String(port), ...PSQL_FLAGS, '-c', sql], {
    ...account,
    cwd: socketDir,
  });
}

async function stopCluster(dir: string, proc: ManagedProcess, account: Account): Promise<void> {
  if (proc.hasExited()) return;
  // Immediate: nothing in it is worth a checkpoint.
  await run(join(PG_BIN, 'pg_ctl'), ['stop', '-D', join(dir, 'data'), '-m', 'immediate', '-s'], {
    ...account,
    cwd: dir,
  }).catch(() => undefined);
  await terminate(proc);
}

/** Starts PostgreSQL with DocumentDB and FerretDB in front of it; resolves once `ping` answers. */
export async function startDocumentDB(options: DocumentDBOptions = {}): Promise<DocumentDBServer> {
  if (!existsSync(DOCUMENTDB_FERRETDB_BIN)) {
    throw missingBinary(`FerretDB 2 for DocumentDB (expected at ${DOCUMENTDB_FERRETDB_BIN})`, SCRIPT);
  }
  if (!existsSync(join(PG_BIN, 'initdb'))) throw missingBinary(`PostgreSQL 15 (${PG_BIN}/initdb)`, SCRIPT);
  const account = clusterAccount();
  const dir = await mkdtemp(join(tmpdir(), 'docgate-documentdb-'));
  let cluster: { proc: ManagedProcess; port: number } | undefined;
  let ferret: ManagedProcess | undefined;
  const stop = async (): Promise<void> => {
    if (ferret) await terminate(ferret);
    if (cluster) await stopCluster(dir, cluster.proc, account);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const started = await startCluster(dir, account, options.settings ?? {});
    cluster = started;
    await psql(started.socketDir, started.port, account, 'CREATE EXTENSION IF NOT EXISTS documentdb CASCADE');
    const postgresUrl = `postgres://postgres@127.0.0.1:${started.port}/postgres`;
    const stateDir = join(dir, 'ferretdb');
    await mkdir(stateDir);
    const port = await withFreePort(async (candidate) => {
      const listen = options.tls
        ? [
            '--listen-addr=',
            `--listen-tls=127.0.0.1:${candidate}`,
            `--listen-tls-cert-file=${options.tls.certFile}`,
            `--listen-tls-key-file=${options.tls.keyFile}`,
          ]
        : [`--listen-addr=127.0.0.1:${candidate}`];
      const proc = spawnServer(
        'ferretdb',
        DOCUMENTDB_FERRETDB_BIN,
        [
          `--postgresql-url=${postgresUrl}`,
          ...listen,
          // The debug HTTP listener defaults to the fixed 127.0.0.1:8088: disable it so servers can coexist.
          '--debug-addr=-',
          '--telemetry=disable',
          `--state-dir=${stateDir}`,
          '--no-auth',
          '--log-level=ERROR',
        ],
        dir,
      );
      ferret = proc;
      const url = `mongodb://127.0.0.1:${candidate}/`;
      try {
        // Over TLS, a TCP connection is all that can be checked without the caller's CA.
        await waitUntilReady(proc, options.tls ? () => tcpConnect(candidate) : () => mongoPing(url));
      } catch (err) {
        await terminate(proc);
        ferret = undefined;
        throw err;
      }
      return candidate;
    });
    return {
      url: `mongodb://127.0.0.1:${port}/`,
      port,
      postgresUrl,
      postgresPort: started.port,
      postgresOutput: () => started.proc.output(),
      stop,
    };
  } catch (err) {
    await stop();
    if (err instanceof StartupError) throw err;
    const detail = err instanceof Error && 'stderr' in err ? String(err.stderr).trim() : '';
    throw new Error(`${err instanceof Error ? err.message : String(err)}${detail ? `\n${detail}` : ''}`, {
      cause: err,
    });
  }
}
