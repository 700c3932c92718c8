import type { BareOptions } from '../servers/bare.js';
import type { DocgateOptions, DocgateReady } from '../servers/docgate.js';
import type { PeerOptions } from '../servers/peer.js';
import { benchFile, type Child, startChild } from './child.js';
import { SERVER_CORE } from './cores.js';
import type { HttpTarget } from './measure.js';

export type ServerChild = Child<DocgateReady>;

/** Settings every server of a scenario starts from: in memory, production mode, limits out of reach. */
export const BASE_ENV: Readonly<Record<string, string>> = {
  DATA_DIR: ':memory:',
  SEED_DEMO_DATA: 'false',
  NODE_ENV: 'production',
  // The limiter still runs on every request; only its ceiling is out of the way.
  RATE_LIMIT_POINTS: '1000000000',
  // Likewise the per-account quotas: a scenario enqueues thousands of jobs from one account.
  JOB_QUOTA_PER_ACCOUNT: '1000000000',
  OUTBOX_QUOTA_PER_ACCOUNT: '1000000000',
  WORKERS_IN_PROCESS: 'false',
};

const GC_FLAGS = ['--expose-gc'];

export function startDocgate(
  name: string,
  options: DocgateOptions,
  core = SERVER_CORE,
): Promise<ServerChild> {
  return startChild(name, benchFile('servers/docgate.ts'), {
    core,
    env: { BENCH_OPTIONS: JSON.stringify(options) },
    nodeFlags: GC_FLAGS,
    readyTimeoutMs: 600_000,
  });
}

export function startPeer(name: string, options: PeerOptions, core = SERVER_CORE): Promise<ServerChild> {
  return startChild(name, benchFile('servers/peer.ts'), {
    core,
    env: { BENCH_OPTIONS: JSON.stringify(options) },
    nodeFlags: GC_FLAGS,
  });
}

export function startBare(name: string, options: BareOptions, core = SERVER_CORE): Promise<ServerChild> {
  return startChild(name, benchFile('servers/bare.ts'), {
    core,
    env: { BENCH_OPTIONS: JSON.stringify(options) },
  });
}

/** A GraphQL request body. */
export function gql(query: string, variables: Record<string, unknown> = {}): string {
  return JSON.stringify({ query, variables });
}

/** The load target of a server process; `signedIn` sends its USER's token. */
export function targetOf(child: ServerChild, bodies: readonly string[], signedIn = true): HttpTarget {
  return {
    name: child.name,
    url: child.ready.url,
    headers: signedIn && child.ready.authorization !== '' ? { authorization: child.ready.authorization } : {},
    bodies,
    process: child,
  };
}

/** Stops every child, whatever happens to the others. */
export async function stopAll(children: ReadonlyArray<{ stop(): Promise<void> } | undefined>): Promise<void> {
  await Promise.allSettled(children.map((c) => c?.stop()));
}
