import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { build } from '../src/pipeline.js';
import { runCli, seedPki, tempDir } from './helpers/fixtures.js';

// `meshgen init [DIR] --topology T --clusters N`: a commented mesh.yaml that
// builds as it is, never written over an existing one.
//
// init runs as the real bin (exit codes, what it prints). The meshes it writes are built
// in process, with the suite's fake CA (which has cluster1..3) as their pki/, so that the
// topology matrix spends no time on RSA keys; one test builds an init'd mesh from nothing
// with the bin, creating its CA as a new user's first build does.

/** Builds DIR/mesh.yaml into DIR/../out in process, with the fake CA; fails on any error. */
async function buildWithFakeCa(meshDir: string): Promise<string> {
  seedPki(meshDir);
  const outDir = join(meshDir, '..', 'out');
  const result = await build({ meshFile: join(meshDir, 'mesh.yaml'), outDir });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(result.ok).toBe(true);
  return outDir;
}

describe('meshgen init', () => {
  it.each([
    ['multi-primary', '2'],
    ['multi-primary', '3'],
    ['primary-remote', '2'],
    ['primary-remote', '3'],
    ['legacy-global', '2'],
    ['legacy-global', '3'],
  ])('--topology %s --clusters %s writes a mesh.yaml that builds without errors', async (topology, clusters) => {
    const dir = tempDir();
    const init = runCli(['init', 'mesh', '--topology', topology, '--clusters', clusters], { cwd: dir });
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain('mesh/mesh.yaml');

    const text = readFileSync(join(dir, 'mesh', 'mesh.yaml'), 'utf8');
    expect(text).toMatch(/^# /m); // commented
    const spec = parse(text).spec;
    expect(spec.clusters).toHaveLength(Number(clusters));
    const remotes = spec.clusters.filter((c: { role?: string }) => c.role === 'remote');
    expect(remotes).toHaveLength(topology === 'primary-remote' ? Number(clusters) - 1 : 0);

    const out = await buildWithFakeCa(join(dir, 'mesh'));
    for (const c of spec.clusters) expect(existsSync(join(out, c.name, 'helm', 'istiod.values.yaml')), c.name).toBe(true);
  });

  it('writes ./mesh.yaml, a two-cluster multi-primary mesh, without arguments', () => {
    const dir = tempDir();
    expect(runCli(['init'], { cwd: dir }).status).toBe(0);
    const spec = parse(readFileSync(join(dir, 'mesh.yaml'), 'utf8')).spec;
    expect(spec.clusters.map((c: { role?: string }) => c.role ?? 'primary')).toEqual(['primary', 'primary']);
  });

  it('writes a mesh that `meshgen build` builds from nothing (exit 0), creating its CA', () => {
    // primary-remote: only the primary runs istiod; ECDSA keys, as tests make no RSA-4096 keys
    const dir = tempDir();
    expect(runCli(['init', '--topology', 'primary-remote'], { cwd: dir }).status).toBe(0);
    const initialised = readFileSync(join(dir, 'mesh.yaml'), 'utf8');
    expect(initialised).toMatch(/^  pki:\n/m);
    writeFileSync(join(dir, 'mesh.yaml'), initialised.replace(/^  pki:\n/m, '  pki:\n    keyType: ecdsa-p256\n'));
    const run = runCli(['build'], { cwd: dir });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.stdout).toContain('CA material: created');
    for (const file of ['pki/root-cert.pem', 'pki/cluster1/ca-cert.pem', 'out/cluster1/helm/istiod.values.yaml', 'out/cluster2/kustomization.yaml']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(existsSync(join(dir, 'pki/cluster2')), 'a remote has no intermediate').toBe(false);
  });

  it('refuses to overwrite an existing mesh.yaml: exit 1, the file untouched', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mesh.yaml'), 'my mesh\n');
    const run = runCli(['init', '.'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('mesh.yaml already exists');
    expect(readFileSync(join(dir, 'mesh.yaml'), 'utf8')).toBe('my mesh\n');
  });

  it('reports a DIR it cannot write to as an error (exit 1), not a crash', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'taken'), 'a file, not a directory\n');
    const run = runCli(['init', 'taken'], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot write taken/mesh.yaml');
  });

  it('a legacy-global mesh serves a sample service by its .global name and needs no API server', async () => {
    const dir = tempDir();
    expect(runCli(['init', 'mesh', '--topology', 'legacy-global', '--clusters', '2'], { cwd: dir }).status).toBe(0);
    const spec = parse(readFileSync(join(dir, 'mesh', 'mesh.yaml'), 'utf8')).spec;
    expect(spec.legacy.global.enabled).toBe(true);
    expect(spec.clusters.every((c: { apiServer?: unknown }) => c.apiServer === undefined)).toBe(true);
    const out = await buildWithFakeCa(join(dir, 'mesh'));
    expect(existsSync(join(out, 'cluster1', 'manifests', 'networking.istio.io_ServiceEntry_istio-system_httpbin.bar.global.yaml'))).toBe(true);
  });

  it.each([
    [['--topology', 'star']],
    [['--clusters', 'two']],
    [['--clusters', '0']],
    [['--topology', 'primary-remote', '--clusters', '1']],
    [['--clusters']],
    [['a', 'b']],
    [['--out', 'x']],
  ])('a bad flag value %j is a usage error (exit 2) and writes nothing', (args) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    const run = runCli(['init', ...(args as string[])], { cwd: dir });
    expect(run.status).toBe(2);
    expect(existsSync(join(dir, 'mesh.yaml'))).toBe(false);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('is listed in --help', () => {
    expect(runCli(['--help']).stdout).toMatch(/meshgen init +\[DIR\] \[--topology multi-primary\|primary-remote\|legacy-global\|ambient\] \[--clusters N\]/);
  });
});
