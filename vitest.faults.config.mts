import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): the system under SIGKILLs and restarts of its
 * dependencies. Slow, so kept out of `npm test`; one file at a time, each in its own process.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test-faults/**/*.test.ts'],
    globalSetup: ['test-faults/global-setup.ts'],
    testTimeout: 420_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
