import { defineConfig } from 'vitest/config';

/**
 * The production-shaped engine suite (`npm run test:engine`): the Temporal server v1.29.1 on
 * PostgreSQL (built from source on first use, minutes), two API and two worker processes.
 * Kept out of `npm test`, whose include is test/**.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test-engine/**/*.test.ts'],
    testTimeout: 420_000,
    hookTimeout: 900_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
