import { inject } from 'vitest';
import { MongoDocumentStore } from '../../src/datasources/mongo/documents.js';
import { mongoCapabilities } from '../helpers/capabilities.js';
import { uniqueName } from '../helpers/names.js';
import { documentStoreSuite } from './document-store.suite.js';

documentStoreSuite(
  'mongo',
  () => MongoDocumentStore.connect(inject('mongodbUrl'), uniqueName('store'), { maxTimeMS: 5000 }),
  () => mongoCapabilities(inject('mongodbUrl')),
);
