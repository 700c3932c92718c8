import { spawnSync } from 'node:child_process';
import { type DocumentDBServer, startDocumentDB } from '../../test/helpers/documentdb.js';
import { type RedisServer, startRedis } from '../../test/helpers/servers.js';
import { canPin, LOAD_CORE } from './cores.js';

/**
 * Throwaway MongoDB-wire (FerretDB 2 + PostgreSQL with DocumentDB) and Redis servers for a scenario
 * (the test helpers'), pinned off the server core.
 */
export interface BenchBackends {
  mongodbUrl: string;
  redisUrl: string;
  /** The last of PostgreSQL's log behind FerretDB ('' without it): why a load died, if it did. */
  postgresOutput(): string;
  stop(): Promise<void>;
}

/** The pid listening on a local TCP port, from `ss`; null when it cannot be told. */
export function listenerPid(port: number): number | null {
  const out = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out.stdout ?? '');
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** Moves every thread of the process listening on `port` to `core`, when pinning is possible. */
export function pinListener(port: number, core = LOAD_CORE): number | null {
  const pid = listenerPid(port);
  if (pid !== null && canPin()) spawnSync('taskset', ['-apc', String(core), String(pid)]);
  return pid;
}

export async function startBackends(wanted: {
  mongodb?: boolean;
  redis?: boolean;
  /** PostgreSQL settings for the cluster behind FerretDB, on top of the test ones. */
  postgresSettings?: Readonly<Record<string, string>>;
}): Promise<BenchBackends> {
  let ferret: DocumentDBServer | undefined;
  let redis: RedisServer | undefined;
  try {
    if (wanted.mongodb) {
      ferret = await startDocumentDB(wanted.postgresSettings ? { settings: wanted.postgresSettings } : {});
      pinListener(ferret.port);
      // PostgreSQL does the work behind FerretDB; its backends, forked later, inherit the postmaster's core.
      pinListener(ferret.postgresPort);
    }
    if (wanted.redis) {
      redis = await startRedis();
      pinListener(redis.port);
    }
  } catch (error) {
    await Promise.allSettled([ferret?.stop(), redis?.stop()]);
    throw error;
  }
  return {
    mongodbUrl: ferret?.url ?? '',
    redisUrl: redis?.url ?? '',
    postgresOutput: () => ferret?.postgresOutput() ?? '',
    async stop() {
      await Promise.allSettled([ferret?.stop(), redis?.stop()]);
    },
  };
}
