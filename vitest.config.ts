import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the ecosystem tier runs the real tools: npm run test:ecosystem, with its own config;
    // the end-to-end tier runs API servers and istiod: npm run test:e2e, with its own config
    exclude: ['test/ecosystem/**', 'test/e2e/**', '**/node_modules/**'],
    testTimeout: 60_000,
    // two workers on this 2-core machine: about half the wall time of one
    maxWorkers: 2,
    // tests that spawn the CLI need dist/, built by `npm test` before vitest runs
  },
});
