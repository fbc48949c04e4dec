import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { certsStatus, forgeLoadCount, planPki } from '../../src/pki/index.js';
import { makefileCacerts, makefileRootCa, makeTempDir, pkiModel, removeTempDirs, diskHost } from './helpers.js';
import { isBuildWorkFile, REPO } from '../helpers/fixtures.js';

// node-forge is needed only to build new certificates. A build that reuses material must not
// load it. In process, the mock below counts real imports of the module (its factory runs on
// first import), independently of the module's own counter; the built CLI is checked in a
// child process, where nothing is mocked.

const forgeImports = vi.hoisted(() => ({ count: 0 }));
vi.mock('node-forge', async (importOriginal) => {
  forgeImports.count++;
  return importOriginal();
});

let meshDir: string;

beforeAll(() => {
  // made with openssl, so that making the fixture does not load forge either
  meshDir = makeTempDir();
  const pkiDir = path.join(meshDir, 'pki');
  makefileRootCa(pkiDir, { key: 'ec' });
  makefileCacerts(pkiDir, 'east', { key: 'ec' });
});
afterAll(removeTempDirs);

// in this order: the first test needs a process that has not loaded node-forge yet, the second loads it
describe('loading node-forge', { shuffle: false }, () => {
  it('does not happen when everything exists (build, validate, certs status)', async () => {
    const model = pkiModel(['east']);
    const build = await planPki({ host: diskHost(), model, meshDir, pkiDirDisplay: 'pki', allowGenerate: true });
    const validate = await planPki({ host: diskHost(), model, meshDir, pkiDirDisplay: 'pki', allowGenerate: false });
    const status = certsStatus({ host: diskHost(), model, meshDir, pkiDirDisplay: 'pki' });
    expect([build.diagnostics, validate.diagnostics, status.diagnostics]).toEqual([[], [], []]);
    expect(forgeImports.count).toBe(0);
    expect(forgeLoadCount()).toBe(0);
  });

  it('happens when a new intermediate is needed (control: the spy does see imports)', async () => {
    const plan = await planPki({ host: diskHost(), model: pkiModel(['central', 'east']), meshDir, pkiDirDisplay: 'pki', allowGenerate: true });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.writes).toHaveLength(4);
    expect(forgeImports.count).toBe(1);
    expect(forgeLoadCount()).toBe(1);
  });

});

describe('loading node-forge in the built CLI, in a process of its own', () => {
  // No module mocking here: the real bin, Node's own loader, and a preload that reports which
  // node-forge files the process loaded (test/helpers/record-node-forge.mjs).
  const recorder = path.resolve(import.meta.dirname, '../helpers/record-node-forge.mjs');

  function meshgen(args: string[], cwd: string): { status: number | null; stderr: string; forgeFiles: string[] } {
    const report = path.join(makeTempDir(), 'forge.json');
    const run = spawnSync(process.execPath, ['--import', pathToFileURL(recorder).href, path.join(REPO, 'dist/cli.js'), ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, MESHGEN_TEST_FORGE_REPORT: report },
    });
    expect(fs.existsSync(report), `the recorder wrote no report: ${run.stderr}`).toBe(true);
    return { status: run.status, stderr: run.stderr, forgeFiles: JSON.parse(fs.readFileSync(report, 'utf8')) };
  }

  /** A copy of examples/multi-primary: its root and both intermediates exist. */
  function warmMesh(): string {
    const dir = makeTempDir();
    fs.cpSync(path.join(REPO, 'examples/multi-primary'), dir, { recursive: true, filter: (source) => !isBuildWorkFile(path.basename(source)) });
    return dir;
  }

  it('does not happen in build, validate or certs status when all CA material exists', () => {
    const dir = warmMesh();
    for (const args of [['build', '--out', 'out', '--quiet'], ['validate'], ['certs', 'status']]) {
      const run = meshgen(args, dir);
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(run.forgeFiles, args.join(' ')).toEqual([]);
    }
    expect(fs.existsSync(path.join(dir, 'out/cluster1/certs/ca-cert.pem'))).toBe(true);
  });

  it('happens in a build that has to create an intermediate (control: the recorder does see it)', () => {
    const dir = warmMesh();
    fs.rmSync(path.join(dir, 'pki/cluster2'), { recursive: true });
    const run = meshgen(['build', '--out', 'out', '--quiet'], dir);
    expect(run.status, run.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, 'pki/cluster2/ca-key.pem'))).toBe(true);
    expect(run.forgeFiles.some((file) => file.endsWith(`${path.sep}node-forge${path.sep}lib${path.sep}index.js`)), run.forgeFiles.join('\n')).toBe(true);
  });
});
