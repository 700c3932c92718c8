import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { KeyValueFamily, Probe } from './family.js';
import { MemoryDocumentStore } from './memory/documents.js';
import { createMemoryFamily } from './memory/index.js';
import { MongoDocumentStore } from './mongo/documents.js';
import type { DocumentStore } from './ports/documents.js';
import { connectRedisFamily } from './redis/index.js';

/** Every backend the app uses, created once at start and closed on shutdown. */
export interface Backends extends Omit<KeyValueFamily, 'probes'> {
  /** The settings the backends were built from; services take their lifetimes and limits here. */
  config: Config;
  documents: DocumentStore;
  /** One probe per server in use, by name (`documents`, and `redis` on Redis), for `GET /ready`. */
  readiness: Readonly<Record<string, Probe>>;
}

/** Picks each backend from the settings: MongoDB / Redis when their URL is set, embedded otherwise. */
export async function createBackends(config: Config, logger: Logger): Promise<Backends> {
  const documents =
    config.MONGODB_URL === undefined
      ? await MemoryDocumentStore.open(config.DATA_DIR === ':memory:' ? null : config.DATA_DIR, {
          maxTimeMS: config.QUERY_TIMEOUT_MS,
        })
      : await MongoDocumentStore.connect(config.MONGODB_URL, config.MONGODB_DB, {
          maxTimeMS: config.QUERY_TIMEOUT_MS,
        });
  logger.info({ documents: documents.kind }, 'document store ready');
  const family =
    config.REDIS_URL === undefined
      ? createMemoryFamily(config)
      : await connectRedisFamily(config, config.REDIS_URL, logger);
  return combine(config, documents, family);
}

/**
 * The embedded in-process family over a document store built elsewhere, e.g. a test's
 * instrumented MongoDB store. `close()` closes them and the store.
 */
export function inProcessBackends(documents: DocumentStore, config: Config): Backends {
  return combine(config, documents, createMemoryFamily(config));
}

function combine(config: Config, documents: DocumentStore, family: KeyValueFamily): Backends {
  const { probes, ...rest } = family;
  return {
    ...rest,
    config,
    documents,
    readiness: { documents: () => documents.ping(), ...probes },
    async close() {
      await family.close();
      await documents.close();
    },
  };
}
