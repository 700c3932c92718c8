import { inject } from 'vitest';
import { uniqueName } from '../helpers/names.js';
import { orderCrashSuite } from './order-crash.suite.js';

orderCrashSuite('mongodb', async () => ({
  MONGODB_URL: inject('mongodbUrl'),
  MONGODB_DB: uniqueName('crash'),
}));
