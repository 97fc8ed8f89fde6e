import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native bridge and workers do not survive worker_threads; each file gets its own process.
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // A screen or a read model that catches up on a loaded CI machine: polls wait up to 10 s
    // (speed is measured by the benchmarks, not here).
    expect: { poll: { timeout: 10_000 } },
    reporters: ['default'],
  },
});
