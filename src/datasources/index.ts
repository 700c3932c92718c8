import type { Tracer } from '@opentelemetry/api';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MemoryDocumentStore } from './memory/documents.js';
import { createMemoryFamily } from './memory/index.js';
import { MemoryPubSub } from './memory/pubsub.js';
import { MongoDocumentStore } from './mongo/documents.js';
import type { Backends, KeyValueFamily } from './ports/backends.js';
import type { DocumentStore } from './ports/documents.js';

export type { Backends } from './ports/backends.js';

import { connectRedisFamily } from './redis/index.js';

/**
 * Picks each backend from the settings: MongoDB / Redis when their URL is set, embedded otherwise.
 * With a tracer, MongoDB commands and the Redis command connection's calls are spanned.
 */
export async function createBackends(config: Config, logger: Logger, tracer?: Tracer): Promise<Backends> {
  const documents =
    config.MONGODB_URL === undefined
      ? await MemoryDocumentStore.open(config.DATA_DIR === ':memory:' ? null : config.DATA_DIR, {
          maxTimeMS: config.QUERY_TIMEOUT_MS,
        })
      : await MongoDocumentStore.connect(config.MONGODB_URL, config.MONGODB_DB, {
          maxTimeMS: config.QUERY_TIMEOUT_MS,
          listReadPreference: config.MONGODB_READ_PREFERENCE,
          ...(tracer === undefined ? {} : { tracer }),
        });
  logger.info({ documents: documents.kind }, 'document store ready');
  const family =
    config.REDIS_URL === undefined
      ? createMemoryFamily(config)
      : await connectRedisFamily(config, config.REDIS_URL, logger, tracer);
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
  const localEvents = new MemoryPubSub();
  return {
    ...rest,
    config,
    documents,
    localEvents,
    readiness: { documents: () => documents.ping(), ...probes },
    async close() {
      await localEvents.close();
      await family.close();
      await documents.close();
    },
  };
}
