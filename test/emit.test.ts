import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { isSafeRelativePath, parseManifest } from '../src/emit/manifest.js';
import { examplePath, readTree, seedPki, tempDir } from './helpers/fixtures.js';

// meshgen owns only the files in its manifest, prunes what it no longer
// produces, never touches anything else, and a failed build leaves out/ as it was.

const MULTI_NETWORK = examplePath('multi-primary-multi-network');
const SINGLE_NETWORK_TWO_CLUSTERS = `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  secrets: { mode: omit }
  clusters:
    - { name: east, network: net-east }
    - { name: west, network: net-west }
`;

function meshIn(dir: string, text: string): string {
  if (!existsSync(join(dir, 'pki'))) seedPki(dir);
  const file = join(dir, 'mesh.yaml');
  writeFileSync(file, text);
  return file;
}

describe('emit', () => {
  it('a second build of unchanged input changes nothing', async () => {
    const out = join(tempDir(), 'out');
    await build({ meshFile: MULTI_NETWORK, outDir: out });
    const before = readTree(out);
    const second = await build({ meshFile: MULTI_NETWORK, outDir: out });
    expect(second.diff?.changes.every((c) => c.kind === 'unchanged')).toBe(true);
    expect(readTree(out)).toEqual(before);
  });

  it('the manifest lists every file written, and nothing else', async () => {
    const out = join(tempDir(), 'out');
    await build({ meshFile: MULTI_NETWORK, outDir: out });
    const listed = parseManifest(readFileSync(join(out, '.meshgen-manifest.json'), 'utf8'));
    const onDisk = [...readTree(out).keys()].filter((p) => p !== '.meshgen-manifest.json').sort();
    expect(listed).toEqual(onDisk);
  });

  it('removing a cluster prunes its files and keeps files meshgen did not write', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const mesh = meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS);
    await build({ meshFile: mesh, outDir: out });
    writeFileSync(join(out, 'west', 'my-notes.md'), 'hand-written\n');
    writeFileSync(join(out, 'CODEOWNERS'), '* @platform\n');

    meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS.replace('    - { name: west, network: net-west }\n', '    - { name: north, network: net-west }\n'));
    const result = await build({ meshFile: mesh, outDir: out });
    expect(result.ok).toBe(true);
    const removed = result.diff!.changes.filter((c) => c.kind === 'removed').map((c) => c.path);
    expect(removed).toContain('west/helm/istiod.values.yaml');
    expect(existsSync(join(out, 'west', 'helm'))).toBe(false);
    expect(readFileSync(join(out, 'west', 'my-notes.md'), 'utf8')).toBe('hand-written\n');
    expect(readFileSync(join(out, 'CODEOWNERS'), 'utf8')).toBe('* @platform\n');
    expect(existsSync(join(out, 'north', 'helm', 'istiod.values.yaml'))).toBe(true);
  });

  it('a failure while writing leaves every existing file as it was', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const mesh = meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS);
    await build({ meshFile: mesh, outDir: out });
    const before = readTree(out);
    // a new cluster whose directory cannot be created (a file is in the way), while the
    // other clusters' files change too (their README/manifest entries)
    writeFileSync(join(out, 'south'), 'not a directory\n');
    meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS.replace('  clusters:\n', '  clusters:\n    - { name: south, network: net-east }\n'));
    const result = await build({ meshFile: mesh, outDir: out });
    expect(result.ok).toBe(false);
    const after = readTree(out);
    after.delete('south');
    expect(after).toEqual(before);
    expect([...readTree(out).keys()].some((p) => p.includes('meshgen-tmp'))).toBe(false);
  });

  it('--check writes nothing and reports added, changed and removed files', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const mesh = meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS);
    await build({ meshFile: mesh, outDir: out });
    writeFileSync(join(out, 'east', 'kustomization.yaml'), 'edited by hand\n');
    rmSync(join(out, 'west', 'helm', 'istiod.values.yaml'));
    meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS.replace('    - { name: west, network: net-west }\n', '    - { name: west, network: net-west, ingressGateway: { enabled: true } }\n'));
    const before = readTree(out);
    const result = await build({ meshFile: mesh, outDir: out, check: true });
    expect(result.ok).toBe(false);
    const drift = result.diff!.changes.filter((c) => c.kind !== 'unchanged').map((c) => `${c.kind} ${c.path}`);
    expect(drift).toEqual(
      expect.arrayContaining(['changed east/kustomization.yaml', 'added west/helm/istiod.values.yaml', 'added west/helm/istio-ingressgateway.values.yaml', 'changed .meshgen-manifest.json']),
    );
    expect(readTree(out)).toEqual(before);
  });

  it('an invalid mesh writes nothing, even into an empty out/', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const mesh = meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS.replace('net-west', 'Net_West!'));
    const result = await build({ meshFile: mesh, outDir: out });
    expect(result.ok).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('a manifest naming paths outside out/ cannot make meshgen delete them', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const mesh = meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS);
    await build({ meshFile: mesh, outDir: out });
    writeFileSync(join(dir, 'precious.txt'), 'keep me\n');
    writeFileSync(join(out, '.meshgen-manifest.json'), JSON.stringify({ generator: 'meshgen', files: ['../precious.txt', '/etc/hostname'] }));
    await build({ meshFile: mesh, outDir: out });
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me\n');
  });

  it('an unreadable manifest is an error, and nothing is written', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const mesh = meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS);
    mkdirSync(out);
    writeFileSync(join(out, '.meshgen-manifest.json'), '{ not json');
    const result = await build({ meshFile: mesh, outDir: out });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toContain('MG4003');
    expect([...readTree(out).keys()]).toEqual(['.meshgen-manifest.json']);
  });

  it('an --out that names a file is one clear error, and the file is left alone', async () => {
    const dir = tempDir();
    const mesh = meshIn(dir, SINGLE_NETWORK_TWO_CLUSTERS);
    writeFileSync(join(dir, 'out'), 'not a directory\n');
    const result = await build({ meshFile: mesh, outDir: join(dir, 'out') });
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([`${join(dir, 'out')} is a file, not a directory`]);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('not a directory\n');
  });

  it.each([
    ['east/istiod.yaml', true],
    ['../x', false],
    ['/etc/passwd', false],
    ['a/./b', false],
    ['a//b', false],
    ['C:/x', false],
    ['a\\..\\b', false],
  ])('manifest path %s is accepted for pruning: %s', (path, safe) => {
    expect(isSafeRelativePath(path)).toBe(safe);
  });
});
