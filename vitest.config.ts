import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// the ecosystem tier runs the real tools: npm run test:ecosystem, with its own config;
// the end-to-end tier runs API servers and istiod: npm run test:e2e, with its own config
const EXCLUDE = ['test/ecosystem/**', 'test/e2e/**', '**/node_modules/**'];

// Most test files share their worker's module graph (isolate: false): loading meshgen, cdk8s,
// ajv and the CRD validators once a worker instead of once a file is about a third of the suite's
// time. Files run one after another in a worker, so what a file leaves in a module outlives it.
// A file that changes global state runs in a fresh module graph of its own: one that mocks a
// module (vi.mock, vi.doMock: a mocked module stays mocked for every later file of a shared
// worker), changes the environment, working directory, timers or globals, or says
// `// vitest: isolate` (for any other state, e.g. counters of src/pki/forge.ts it reads from zero).
const GLOBAL_STATE = /\bvi\.(mock|doMock|unmock|stubEnv|stubGlobal|useFakeTimers|setSystemTime|resetModules)\(|process\.chdir\(|process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env|\/\/ vitest: isolate\b/;

const TEST_DIR = join(import.meta.dirname, 'test');
const ISOLATED = readdirSync(TEST_DIR, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts') && !/^(ecosystem|e2e)[\\/]/.test(f))
  .filter((f) => GLOBAL_STATE.test(readFileSync(join(TEST_DIR, f), 'utf8')))
  .map((f) => `test/${f.split('\\').join('/')}`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    // two workers on this 2-core machine: about half the wall time of one
    maxWorkers: 2,
    // tests that spawn the CLI need dist/, built by `npm test` before vitest runs
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: [...EXCLUDE, ...ISOLATED], isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED.length ? ISOLATED : ['no-such-file'], exclude: EXCLUDE, isolate: true } },
    ],
  },
});
