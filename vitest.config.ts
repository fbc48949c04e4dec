import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // tests that spawn the CLI need dist/, built by `npm test` before vitest runs
  },
});
