// Preloaded with `node --import` by test/bundle.test.ts. When the process exits, it writes to
// the file named by $MESHGEN_TEST_MODULES_REPORT a JSON array of the CommonJS files the process
// loaded (require.cache holds every one, whether required or imported from ESM).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const report = process.env.MESHGEN_TEST_MODULES_REPORT;
if (!report) throw new Error('record-loaded-modules.mjs: set MESHGEN_TEST_MODULES_REPORT');

process.on('exit', () => writeFileSync(report, JSON.stringify(Object.keys(require.cache))));
