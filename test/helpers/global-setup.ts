/**
 * Vitest globalSetup: one MongoDB-wire server (FerretDB 2 on PostgreSQL with DocumentDB) and one
 * Redis for the whole run, exposed to tests via
 * `inject('mongodbUrl')` / `inject('redisUrl')` (types in ./provided.d.ts).
 * If a server cannot be started the run fails; tests are never skipped for lack of servers.
 */
import type { TestProject } from 'vitest/node';
import { startDocumentDB } from './documentdb.js';
import { startRedis } from './servers.js';

const HINT =
  'Integration tests need real servers: `npm test` installs them first; with vitest alone, run ' +
  '`bash scripts/install-test-servers.sh` from the repository root.';

async function start<T>(what: string, starter: () => Promise<T>): Promise<T> {
  try {
    return await starter();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const ci = process.env.CI === 'true' ? ' (CI)' : '';
    throw new Error(`Could not start ${what} for the test run${ci}: ${reason}\n${HINT}`, { cause: err });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // allSettled, so that when one server fails the other is stopped only after it finished starting.
  const [mongo, redis] = await Promise.allSettled([
    start('FerretDB + DocumentDB', () => startDocumentDB()),
    start('Redis', startRedis),
  ]);
  const stopAll = async (): Promise<void> => {
    await Promise.all([
      mongo.status === 'fulfilled' ? mongo.value.stop() : undefined,
      redis.status === 'fulfilled' ? redis.value.stop() : undefined,
    ]);
  };
  if (mongo.status === 'rejected' || redis.status === 'rejected') {
    await stopAll();
    const errors = [mongo, redis].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map(String).join('\n'));
  }
  project.provide('mongodbUrl', mongo.value.url);
  project.provide('redisUrl', redis.value.url);
  return stopAll;
}
