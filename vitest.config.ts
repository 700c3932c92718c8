import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * What runs without any server: unit tests, port suites on the in-process adapters
 * (`*.memory.test.ts`) and the API on the embedded default (`*.embedded.test.ts`). Every other
 * test file needs real servers and belongs to `servers`.
 */
const FAST = ['test/unit/**/*.test.ts', 'test/**/*.memory.test.ts', 'test/**/*.embedded.test.ts'];

export default defineConfig({
  // One copy of graphql: Pothos loads its CommonJS build, so ours must too, or types from
  // "another realm" are refused (graphql's dual-package hazard under Vite's resolver).
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'fast', include: FAST } },
      {
        extends: true,
        test: {
          name: 'servers',
          include: ['test/**/*.test.ts'],
          exclude: FAST,
          // Starts FerretDB and redis-server for this project only.
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
