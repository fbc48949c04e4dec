import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { certsStatus, forgeLoadCount, planPki } from '../../src/pki/index.js';
import { makefileCacerts, makefileRootCa, makeTempDir, pkiModel, removeTempDirs, diskHost } from './helpers.js';

// node-forge is needed only to build new certificates. A build that reuses material must not
// load it. The mock below counts real imports of the module (its factory runs on first import),
// independently of the module's own counter.

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

describe('loading node-forge', () => {
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

  it('is only ever a dynamic import in src/pki/forge.ts', () => {
    const srcDir = path.resolve(import.meta.dirname, '../../src/pki');
    const mentions = fs
      .readdirSync(srcDir)
      .filter((file) => /from 'node-forge'|import\('node-forge'\)|require\('node-forge'\)/.test(fs.readFileSync(path.join(srcDir, file), 'utf8')))
      .sort();
    expect(mentions).toEqual(['forge.ts', 'generate.ts']);
    for (const file of mentions) {
      const text = fs.readFileSync(path.join(srcDir, file), 'utf8');
      // type-only imports are erased; the one value import is awaited
      const valueImports = text.split('\n').filter((line) => /node-forge'/.test(line) && !/^import type /.test(line));
      expect(valueImports, file).toEqual(file === 'forge.ts' ? ["  const module = await import('node-forge');"] : []);
    }
  });
});
