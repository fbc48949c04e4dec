import { defineConfig } from 'vitest/config';

// The end-to-end tier (npm run test:e2e → scripts/e2e/run.mjs, which builds or reuses the
// pinned etcd, kube-apiserver, pilot-discovery and helm first). Not part of `npm test`:
// vitest.config.ts excludes this folder. Each file starts its own API servers and istiods:
// one file at a time, its tests in order.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
