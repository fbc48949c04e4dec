import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { sourceMappedStack } from '../src/internal-error.js';
import { isBuildWorkFile, REPO, tempDir } from './helpers/fixtures.js';

// The bin is a bundle made by scripts/bundle-cli.mjs (npm run build): dist/cli.js and its chunks.

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };

describe('the bundled bin', () => {
  it('is what package.json names as meshgen, and is published', () => {
    expect(pkg.bin.meshgen).toBe('dist/cli.js');
    expect(pkg.files).toContain('dist');
    // the loader (scripts/cli-loader.mjs), not tsc's cli.js, which imports ./pipeline.js
    expect(readFileSync(join(REPO, 'dist/cli.js'), 'utf8')).toBe(readFileSync(join(REPO, 'scripts/cli-loader.mjs'), 'utf8'));
    expect(readFileSync(join(REPO, 'dist/cli-bundle.js'), 'utf8')).not.toContain('./pipeline.js');
  });

  it('has a code cache that V8 accepts for it (control: not for a changed bundle)', () => {
    const bundle = join(REPO, 'dist/cli-bundle.js');
    const text = readFileSync(bundle, 'utf8');
    const cachedData = readFileSync(`${bundle}.cache`);
    expect(new vm.Script(text, { filename: bundle, cachedData }).cachedDataRejected).toBe(false);
    expect(new vm.Script(`${text}// another bundle\n`, { filename: bundle, cachedData }).cachedDataRejected).toBe(true);
  });

  /** The packages under node_modules that a `meshgen build` of a copy of examples/multi-primary loads. */
  function packagesLoadedByBuild(edit: (dir: string) => void = () => {}): Set<string> {
    const dir = tempDir();
    cpSync(join(REPO, 'examples/multi-primary'), dir, { recursive: true, filter: (source) => !isBuildWorkFile(source.split(sep).pop()!) });
    edit(dir);
    const report = join(tempDir(), 'modules.json');
    const recorder = pathToFileURL(join(REPO, 'test/helpers/record-loaded-modules.mjs')).href;
    const run = spawnSync(process.execPath, ['--import', recorder, join(REPO, 'dist/cli.js'), 'build', '--quiet'], { cwd: dir, encoding: 'utf8', env: { ...process.env, MESHGEN_TEST_MODULES_REPORT: report } });
    expect(run.status, run.stderr).toBe(0);
    const loaded = (JSON.parse(readFileSync(report, 'utf8')) as string[]).map((file) => file.split(sep).join('/'));
    return new Set(loaded.flatMap((file) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []));
  }

  it('builds without loading cdk8s, yaml, constructs or age-encryption from node_modules (control: it does load the validator runtime from there)', () => {
    const packages = packagesLoadedByBuild();
    expect(packages.has('ajv')).toBe(true);
    for (const name of ['cdk8s', 'cdk8s-plus-27', 'yaml', 'constructs', 'age-encryption', 'node-forge']) expect(packages.has(name), name).toBe(false);
  });

  it('makes new CA material with no package from node_modules but the validator runtime (certificates are encoded by src/pki/der-writer.ts)', () => {
    const packages = packagesLoadedByBuild((dir) => {
      rmSync(join(dir, 'pki'), { recursive: true });
      writeFileSync(join(dir, 'mesh.yaml'), readFileSync(join(dir, 'mesh.yaml'), 'utf8').replace(/^spec:\n/m, 'spec:\n  pki: { keyType: ecdsa-p256 }\n'));
    });
    expect([...packages].sort()).toEqual(['ajv', 'fast-deep-equal']); // the precompiled validator's runtime
  });

  it('does not list node-forge as a runtime dependency (it is the test oracle of the certificate encoding)', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toContain('node-forge');
    expect(Object.keys(manifest.devDependencies)).toContain('node-forge');
  });
});

describe('the stack of an internal error', () => {
  it('names the TypeScript source of a frame in the bundle', () => {
    const bundle = join(REPO, 'dist/cli-bundle.js');
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('function parseArgs('));
    const column = lines[line].indexOf('function parseArgs(');
    const sourceLine = readFileSync(join(REPO, 'src/cli.ts'), 'utf8').split('\n').findIndex((l) => l.startsWith('function parseArgs('));
    const stack = `Error: boom\n    at parseArgs (${bundle}:${line + 1}:${column + 1})\n    at run (node:internal/modules/run_main:1:2)`;
    expect(sourceMappedStack(stack)).toBe(`Error: boom\n    at parseArgs (${join(REPO, 'src/cli.ts')}:${sourceLine + 1}:1)\n    at run (node:internal/modules/run_main:1:2)`);
  });

  it('keeps a frame outside the bundle as it is', () => {
    const stack = `Error: boom\n    at x (${join(REPO, 'dist/pipeline.js')}:3:4)\n    at y (${join(REPO, 'node_modules/yaml/dist/index.js')}:5:6)`;
    expect(sourceMappedStack(stack)).toBe(stack);
  });

});
