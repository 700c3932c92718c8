import { MongoClient } from 'mongodb';
import type { Context } from '../../src/context.js';
import { createLoaders } from '../../src/loaders.js';
import type { Services } from '../../src/services/index.js';

/** Commands the driver sends, by name, counted with its command monitoring (heartbeats excluded). */
export type CommandCounts = Record<string, number>;

const IGNORED = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'endSessions', 'buildInfo']);

/**
 * Counts the commands of every MongoDB client this process connects (call before the store
 * connects) and returns a reader of the counts. The client's URL must turn monitoring on:
 * `withMonitoring(url)`.
 */
export function countMongoCommands(): () => CommandCounts {
  const counts: CommandCounts = {};
  const connect = MongoClient.prototype.connect;
  MongoClient.prototype.connect = function (this: MongoClient) {
    this.on('commandStarted', (event) => {
      if (!IGNORED.has(event.commandName)) counts[event.commandName] = (counts[event.commandName] ?? 0) + 1;
    });
    return connect.call(this);
  };
  return () => ({ ...counts });
}

/** A signed-in USER's `Authorization` header value. */
export async function signInUser(services: Services): Promise<string> {
  const account = await services.accounts.create(
    { email: `bench-${process.pid}-${Date.now()}@example.test`, password: 'correct horse battery' },
    'USER',
  );
  const { token } = await services.accounts.openSession(account);
  return `Bearer ${token}`;
}

/**
 * docgate's request context for a peer server: the same services, fresh loaders and the caller
 * from the same session lookup, so only the server around the schema differs.
 */
export async function peerContext(services: Services, authorization: string | undefined): Promise<Context> {
  return {
    services,
    loaders: createLoaders(services),
    caller: await services.accounts.authenticate(authorization ?? null),
    rateLimit: null,
    clientAddress: 'unknown',
  };
}

/** Reads the JSON options a scenario passes to a server process. */
export function optionsFromEnv<T>(): T {
  const raw = process.env.BENCH_OPTIONS;
  if (raw === undefined) throw new Error('BENCH_OPTIONS is not set');
  return JSON.parse(raw) as T;
}

/** The connection string with the driver's command monitoring turned on. */
export function withMonitoring(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('monitorCommands', 'true');
  return parsed.href;
}

/** The `memory` request of a server process: its memory after a full GC (needs --expose-gc). */
export function memoryAfterGc(): NodeJS.MemoryUsage {
  globalThis.gc?.();
  return process.memoryUsage();
}
