import { createMemoryRateLimiter } from '../../src/datasources/memory/memory-rate-limiter.js';
import { rateLimiterSuite } from './rate-limiter.suite.js';

rateLimiterSuite('memory', async () => ({ port: createMemoryRateLimiter, close: async () => {} }));
