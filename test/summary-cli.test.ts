import { describe, expect, it } from 'vitest';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { readTree, REPO, runCli, tempDir } from './helpers/fixtures.js';

// `meshgen build --check --summary --out <base>` through the real bin, as the CI recipes run it:
// the Markdown alone on stdout, the drift report on stderr, exit 1 because the base differs.

describe('meshgen build --check --summary', () => {
  it('prints only the Markdown summary on stdout, compared with the base out/ given by --out, and writes nothing', () => {
    const base = join(tempDir(), 'out');
    cpSync(join(REPO, 'test/golden/root-rotation-1-trust-both'), base, { recursive: true });
    const before = readTree(base);
    const run = runCli(['build', join(REPO, 'examples/root-rotation-2-sign-with-new/mesh.yaml'), '--check', '--summary', '--out', base]);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe('## meshgen: mesh `rotation`');
    expect(run.stdout).toContain('- root rotation: trust-both → sign-with-new');
    expect(run.stdout).not.toMatch(/added, \d+ changed/);
    expect(run.stdout).not.toContain('PRIVATE KEY');
    expect(run.stderr).toContain('is not up to date');
    expect(readTree(base)).toEqual(before);
  });

  it('--summary is a flag of build only', () => {
    expect(runCli(['validate', '--summary']).status).toBe(2);
  });
});
