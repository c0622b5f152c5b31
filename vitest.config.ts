import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // long accuracy runs live in test/long and only run with RRAMSIM_LONG=1 (npm run test:long)
    exclude: process.env.RRAMSIM_LONG ? [] : ['test/long/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
