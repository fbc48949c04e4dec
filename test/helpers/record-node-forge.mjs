// Preloaded with `node --import` by test/pki/lazy-forge.test.ts. When the process exits, it
// writes to the file named by $MESHGEN_TEST_FORGE_REPORT a JSON array of the node-forge files
// the process loaded: Node keeps every CommonJS module it loads in require.cache, whether it
// was required or imported from ESM, so an empty array means node-forge was never loaded.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const report = process.env.MESHGEN_TEST_FORGE_REPORT;
if (!report) throw new Error('record-node-forge.mjs: set MESHGEN_TEST_FORGE_REPORT');

process.on('exit', () => {
  const loaded = Object.keys(require.cache).filter((file) => /[\\/]node_modules[\\/]node-forge[\\/]/.test(file));
  writeFileSync(report, JSON.stringify(loaded));
});
