import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { MemoryCounters } from './memory/memory-counters.js';
import { MemoryDocumentStore } from './memory/memory-store.js';
import { MongoDocumentStore } from './mongo/mongo-store.js';
import type { Counters, DocumentStore } from './ports.js';

/** Every backend the app uses, created once at start and closed on shutdown. */
export interface Backends {
  documents: DocumentStore;
  counters: Counters;
  close(): Promise<void>;
}

/** Picks each backend from the settings: MongoDB / Redis when their URL is set, embedded otherwise. */
export async function createBackends(config: Config, logger: Logger): Promise<Backends> {
  const documents =
    config.MONGODB_URL === undefined
      ? MemoryDocumentStore.open(config.DATA_DIR === ':memory:' ? null : config.DATA_DIR)
      : await MongoDocumentStore.connect(config.MONGODB_URL, config.MONGODB_DB, {
          maxTimeMS: config.QUERY_TIMEOUT_MS,
        });
  logger.info({ documents: documents.kind }, 'document store ready');
  const counters = new MemoryCounters();
  return {
    documents,
    counters,
    async close() {
      await counters.close();
      await documents.close();
    },
  };
}
