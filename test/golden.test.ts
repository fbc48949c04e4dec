import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { EXAMPLES, REPO, examplePath } from './helpers/fixtures.js';

// Golden trees: the flagship example's golden output is the repo's own out/ (CI also checks
// it with the CLI); the other examples have theirs under test/golden/<case>/. To accept a
// deliberate change, run `UPDATE_GOLDEN=1 npm test` and review the diff in git.

const update = process.env.UPDATE_GOLDEN === '1';

function goldenDir(example: string): string {
  return example === 'multi-primary-multi-network' ? join(REPO, 'out') : join(REPO, 'test/golden', example);
}

describe.each(EXAMPLES)('example %s', (example) => {
  it('renders exactly its golden tree', async () => {
    const outDir = goldenDir(example);
    if (update) {
      const written = await build({ meshFile: examplePath(example), outDir });
      expect(written.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    }
    expect(existsSync(join(outDir, '.meshgen-manifest.json')), `no golden tree at ${outDir}; run UPDATE_GOLDEN=1 npm test`).toBe(true);
    const result = await build({ meshFile: examplePath(example), outDir, check: true });
    const drift = result.diff?.changes.filter((c) => c.kind !== 'unchanged').map((c) => `${c.kind} ${c.path}`);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(drift).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
