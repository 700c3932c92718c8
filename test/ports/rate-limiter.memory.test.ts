import { createMemoryRateLimiter } from '../../src/datasources/memory/rate-limiter.js';
import { rateLimiterSuite } from './rate-limiter.suite.js';

rateLimiterSuite('memory', async () => ({ port: createMemoryRateLimiter, close: async () => {} }));
