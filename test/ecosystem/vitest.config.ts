import { defineConfig } from 'vitest/config';

// The ecosystem tier (npm run test:ecosystem → scripts/ecosystem/run.mjs, which builds or
// reuses the pinned tools first). Not part of `npm test`: vitest.config.ts excludes this folder.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/ecosystem/**/*.test.ts'],
    globalSetup: ['test/ecosystem/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // two cores, shared: the tools are processes of their own, so two files at a time is enough
    maxWorkers: 2,
  },
});
