/**
 * A throwaway Redis Cluster for tests: `masters × (1 + replicasPerMaster)` Debian `redis-server`
 * processes on free 127.0.0.1 ports, joined by `redis-cli --cluster create`, in one temp directory
 * removed on stop(). Both come from `bash scripts/install-redis.sh`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { inRanges, type NodeLine, parseClusterNodes, slotOwners } from './cluster-nodes.js';
import { type ManagedProcess, missingBinary, spawnRedis, terminate, withFreePorts } from './servers.js';

export const REDIS_CLI_BIN = 'redis-cli';
const HOST = '127.0.0.1';
const WAIT_TIMEOUT_MS = 30_000;
const CLI_TIMEOUT_MS = 120_000;

export interface RedisClusterOptions {
  /** Default 3, the fewest Redis accepts. */
  masters?: number;
  /** Default 1. */
  replicasPerMaster?: number;
  /**
   * `cluster-node-timeout`: how long a master may be unreachable before its replica takes over.
   * Default 2000 ms (Redis' default is 15000), so a failover takes a few seconds in a test; lower
   * risks false failovers when the machine is busy.
   */
  nodeTimeoutMs?: number;
  /**
   * `cluster-require-full-coverage`. Default true, Redis' own default: while any slot has no
   * master, every node refuses every query (CLUSTERDOWN), so a failover test sees the worst case.
   */
  requireFullCoverage?: boolean;
}

export interface ClusterNodeInfo {
  readonly host: string;
  readonly port: number;
  /** The cluster's id for the node (kept across restarts, in its nodes.conf). */
  readonly id: string;
  /** As of the last check (start, waitForOk, topology, killMaster, reshard). */
  readonly role: 'master' | 'replica';
  /** For a replica, its master's port. */
  readonly masterPort: number | undefined;
  /** The slots a master serves, as [first, last] ranges. */
  readonly slots: ReadonlyArray<readonly [number, number]>;
  /** Whether its process is running now. */
  readonly running: boolean;
}

export interface RedisCluster {
  /** `redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...`, every node. */
  readonly url: string;
  /** Every node, for ioredis' `new Cluster(startupNodes)`. */
  readonly startupNodes: ReadonlyArray<{ host: string; port: number }>;
  /** Every node, with its role and slots as of the last check. */
  readonly nodes: readonly ClusterNodeInfo[];
  /** Asks the running nodes for their roles and slots now (and updates `nodes`). */
  topology(): Promise<readonly ClusterNodeInfo[]>;
  /** The master serving a slot, or the slot of a key. */
  masterOf(slotOrKey: number | string): Promise<ClusterNodeInfo>;
  /** SIGKILLs the master serving `slotOrKey` (default slot 0); resolves with it once it has exited. */
  killMaster(slotOrKey?: number | string): Promise<ClusterNodeInfo>;
  /**
   * Starts a stopped or killed node again on its ports, with its nodes.conf, so it rejoins the
   * cluster (a killed master rejoins as a replica of the node that took over). With no persistence
   * it comes back empty: restart a killed master only once its replica has taken over
   * (waitForOk), or it would serve its slots again without their data.
   */
  restartNode(node: { port: number }): Promise<void>;
  /**
   * Moves `slots` slots with their keys from one master to another with
   * `redis-cli --cluster reshard`, waits until every node agrees, and resolves with the moved slots.
   */
  reshard(from: { port: number }, to: { port: number }, slots: number): Promise<number[]>;
  /**
   * Resolves once every running node reports `cluster_state:ok`, all agree which master serves
   * each of the 16384 slots (each a running node, none migrating), no running node is flagged as
   * failing, and every running replica's link to its master is up with its initial sync done.
   */
  waitForOk(timeoutMs?: number): Promise<void>;
  /** SIGTERMs every node and removes the temp directory. Idempotent. */
  stop(): Promise<void>;
}

interface NodeProcess {
  readonly port: number;
  readonly busPort: number;
  readonly dir: string;
  proc: ManagedProcess | undefined;
  id: string;
}

const running = (node: NodeProcess): boolean => node.proc !== undefined && !node.proc.hasExited();

/** Starts the nodes, creates the cluster and waits until it serves every slot with every replica synced. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const { masters = 3, replicasPerMaster = 1, nodeTimeoutMs = 2000, requireFullCoverage = true } = options;
  const root = await mkdtemp(join(tmpdir(), 'docgate-redis-cluster-'));
  const nodeArgs = (busPort: number) => [
    '--cluster-enabled',
    'yes',
    // Relative to --dir, which is the node's own directory.
    '--cluster-config-file',
    'nodes.conf',
    // The bus would default to port + 10000, which may be taken or above 65535.
    '--cluster-port',
    String(busPort),
    '--cluster-node-timeout',
    String(nodeTimeoutMs),
    '--cluster-require-full-coverage',
    requireFullCoverage ? 'yes' : 'no',
    // Replicas sync straight over the socket, without the default 5 s wait for more replicas.
    '--repl-diskless-sync',
    'yes',
    '--repl-diskless-sync-delay',
    '0',
  ];
  const nodes: NodeProcess[] = [];
  let known: ClusterNodeInfo[] = [];

  const launch = async (node: NodeProcess): Promise<void> => {
    node.proc = await spawnRedis(node.port, node.dir, nodeArgs(node.busPort));
  };

  const stop = async (): Promise<void> => {
    await Promise.all(
      nodes.map(async (node) => {
        const proc = node.proc;
        node.proc = undefined;
        if (proc) await terminate(proc);
      }),
    );
    await rm(root, { recursive: true, force: true });
  };

  const byPort = (port: number): NodeProcess => {
    const node = nodes.find((n) => n.port === port);
    if (node === undefined) throw new Error(`no cluster node on port ${port}`);
    return node;
  };

  /** Each running node's view, and the node's own line in it. */
  const views = async (): Promise<Array<{ node: NodeProcess; view: NodeLine[]; self: NodeLine }>> =>
    Promise.all(
      nodes.filter(running).map(async (node) => {
        const view = parseClusterNodes(await ask(node.port, 'CLUSTER', 'NODES'));
        const self = view.find((line) => line.myself);
        if (self === undefined) throw new Error(`node ${node.port} does not list itself`);
        node.id = self.id;
        return { node, view, self };
      }),
    );

  const topology = async (): Promise<readonly ClusterNodeInfo[]> => {
    const seen = await views();
    known = nodes.map((node) => {
      // A stopped node cannot be asked: what the running nodes say of it (a killed master: no slots).
      const line =
        seen.find((s) => s.node === node)?.self ?? seen[0]?.view.find((other) => other.id === node.id);
      const before = known.find((k) => k.port === node.port);
      const masterId = line?.masterId;
      return {
        host: HOST,
        port: node.port,
        id: node.id,
        role: line ? (line.master ? 'master' : 'replica') : (before?.role ?? 'master'),
        masterPort: line
          ? nodes.find((n) => masterId !== undefined && n.id === masterId)?.port
          : before?.masterPort,
        slots: line ? line.slots : (before?.slots ?? []),
        running: running(node),
      };
    });
    return known;
  };

  /** What still keeps the cluster from being ok; empty when it is. */
  const problems = async (replicasExpected: number | undefined): Promise<string[]> => {
    const found: string[] = [];
    const seen = await views();
    const signatures = new Set<string>();
    for (const { node, view, self } of seen) {
      const info = await ask(node.port, 'CLUSTER', 'INFO');
      if (!/^cluster_state:ok\r?$/m.test(info)) found.push(`${node.port}: cluster_state is not ok`);
      if (view.some((line) => line.migrating)) found.push(`${node.port}: a slot is migrating`);
      for (const line of view) {
        if (line.failing && seen.some((s) => s.self.id === line.id))
          found.push(`${node.port} flags running node ${line.port} as failing`);
      }
      const owners = slotOwners(view);
      if (owners.includes(undefined)) found.push(`${node.port}: some slots have no master`);
      signatures.add(owners.join(','));
      if (!self.master) {
        const replication = await ask(node.port, 'INFO', 'replication');
        if (
          !/^master_link_status:up\r?$/m.test(replication) ||
          /^master_sync_in_progress:1/m.test(replication)
        )
          found.push(`replica ${node.port} is not in sync with its master`);
      }
    }
    if (signatures.size > 1) found.push('the nodes do not agree which master serves which slot');
    const [first] = seen;
    if (first !== undefined) {
      for (const owner of new Set(slotOwners(first.view))) {
        if (owner !== undefined && !seen.some((s) => s.self.id === owner))
          found.push(`slots are served by ${owner}, which is not running`);
        if (replicasExpected === undefined) continue;
        const replicas = first.view.filter((line) => line.masterId === owner && !line.failing).length;
        if (replicas < replicasExpected) found.push(`master ${owner} has ${replicas} replicas`);
      }
    }
    return found;
  };

  const waitUntilOk = async (timeoutMs: number, replicasExpected?: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let found: string[];
      try {
        found = await problems(replicasExpected);
      } catch (err) {
        found = [err instanceof Error ? err.message : String(err)];
      }
      if (found.length === 0) {
        await topology();
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`Redis Cluster not ok after ${timeoutMs} ms:\n${found.join('\n')}`);
      }
      await sleep(100);
    }
  };

  const masterOf = async (slotOrKey: number | string): Promise<ClusterNodeInfo> => {
    const slot = typeof slotOrKey === 'number' ? slotOrKey : calculateSlot(slotOrKey);
    const master = (await topology()).find(
      (n) => n.running && n.role === 'master' && inRanges(slot, n.slots),
    );
    if (master === undefined) throw new Error(`no running master serves slot ${slot}`);
    return master;
  };

  try {
    const count = masters * (1 + replicasPerMaster);
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const dir = join(root, `node-${i}`);
        nodes[i] = await withFreePorts(2, async ([port = 0, busPort = 0]) => {
          // Afresh on each attempt: a node that failed to bind may have written its nodes.conf.
          await rm(dir, { recursive: true, force: true });
          await mkdir(dir);
          const node: NodeProcess = { port, busPort, dir, proc: undefined, id: '' };
          await launch(node);
          return node;
        });
      }),
    );
    await redisCli([
      '--cluster',
      'create',
      ...nodes.map((n) => `${HOST}:${n.port}`),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    ]);
    await waitUntilOk(WAIT_TIMEOUT_MS, replicasPerMaster);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url: `redis-cluster://${nodes.map((n) => `${HOST}:${n.port}`).join(',')}`,
    startupNodes: nodes.map((n) => ({ host: HOST, port: n.port })),
    get nodes() {
      return known;
    },
    topology,
    masterOf,
    async killMaster(slotOrKey = 0) {
      const master = await masterOf(slotOrKey);
      const proc = byPort(master.port).proc;
      if (proc === undefined) throw new Error(`node ${master.port} is not running`);
      proc.child.kill('SIGKILL');
      await proc.exited;
      known = known.map((k) => (k.port === master.port ? { ...k, running: false } : k));
      return { ...master, running: false };
    },
    async restartNode({ port }) {
      const node = byPort(port);
      if (running(node)) throw new Error(`node ${port} is running; kill it first`);
      await launch(node);
      known = known.map((k) => (k.port === port ? { ...k, running: true } : k));
    },
    async reshard(from, to, slots) {
      const [source, target] = [byPort(from.port), byPort(to.port)];
      const before = slotOwners((await views())[0]?.view ?? []);
      await redisCli([
        '--cluster',
        'reshard',
        `${HOST}:${source.port}`,
        '--cluster-from',
        source.id,
        '--cluster-to',
        target.id,
        '--cluster-slots',
        String(slots),
        '--cluster-yes',
      ]);
      await waitUntilOk(WAIT_TIMEOUT_MS);
      const after = slotOwners((await views())[0]?.view ?? []);
      return after.flatMap((owner, slot) =>
        owner === target.id && before[slot] === source.id ? [slot] : [],
      );
    },
    waitForOk: (timeoutMs = WAIT_TIMEOUT_MS) => waitUntilOk(timeoutMs),
    stop,
  };
}

/** One command on one node, over a connection of its own that gives up at once if the node is down. */
async function ask(port: number, ...command: [string, ...string[]]): Promise<string> {
  const redis = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: 2000,
  });
  redis.on('error', () => undefined); // connect() and call() reject with it
  try {
    await redis.connect();
    const reply = await redis.call(...command);
    if (typeof reply !== 'string') throw new Error(`${command.join(' ')} on ${port}: not a string reply`);
    return reply;
  } finally {
    redis.disconnect();
  }
}

async function redisCli(args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(REDIS_CLI_BIN, args, { timeout: CLI_TIMEOUT_MS });
    return stdout;
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT')
      throw missingBinary('redis-cli', 'install-redis.sh');
    const output = err instanceof Error && 'stdout' in err ? String(err.stdout) : '';
    throw new Error(`redis-cli ${args.join(' ')} failed:\n${output}`, { cause: err });
  }
}
