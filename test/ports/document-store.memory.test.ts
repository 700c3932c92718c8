import { MemoryDocumentStore } from '../../src/datasources/memory/documents.js';
import { FULL } from '../helpers/capabilities.js';
import { documentStoreSuite } from './document-store.suite.js';

documentStoreSuite(
  'memory',
  async () => MemoryDocumentStore.open(null),
  async () => FULL,
);
