import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { examplePath, exampleCopy, REPO, runCli, seedPki, tempDir } from './helpers/fixtures.js';

// The CLI: commands, flags, output and exit codes, through the real bin.

const EXAMPLE = examplePath('multi-primary-multi-network');
const WITH_WARNING = `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  dns: { autoAllocate: true, capture: true }
  clusters:
    - { name: east, network: net-1 }
`;

describe('meshgen CLI', () => {
  it('--help prints usage and exits 0', () => {
    const run = runCli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('meshgen build');
  });

  it('--version prints the package version', () => {
    const run = runCli(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([[['build', '--frobnicate']], [['bogus']], [['validate', '--out', 'x']], [['build', 'a.yaml', 'b.yaml']], [[]], [['build', '--out']]])(
    'usage error %j exits 2 without a stack trace',
    (args) => {
      const run = runCli(args as string[]);
      expect(run.status).toBe(2);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    },
  );

  it('a missing mesh file is a usage error (exit 2)', () => {
    const run = runCli(['build', 'no/such/mesh.yaml', '--out', tempDir()]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no/such/mesh.yaml');
  });

  it('MESH_FILE defaults to ./mesh.yaml and --out to ./out', () => {
    const dir = tempDir();
    seedPki(dir);
    writeFileSync(join(dir, 'mesh.yaml'), WITH_WARNING);
    const run = runCli(['build'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(existsSync(join(dir, 'out', 'east', 'helm', 'istiod.values.yaml'))).toBe(true);
  });

  it('build prints one summary line per cluster', () => {
    const out = tempDir();
    const run = runCli(['build', EXAMPLE, '--out', out]);
    expect(run.status).toBe(0);
    // 3 manifests (Namespace, cross-network-gateway, reader token Secret), 3 values files,
    // the kustomization, 3 certificates, 2 secrets (cacerts, the other cluster's remote
    // secret), and the cluster's GitOps wrappers: 5 Argo CD Applications (namespace, 3 charts,
    // manifests) and 5 Flux objects (HelmRepository, 3 HelmReleases, Kustomization)
    expect(run.stdout).toMatch(new RegExp(`^${out}/east: 22 added, 0 changed, 0 removed, 0 unchanged$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^${out}/west: 22 added, 0 changed, 0 removed, 0 unchanged$`, 'm'));
    expect(run.stdout).toMatch(/^remote secrets: 2 rendered$/m);
  });

  it('build --check counts the remote secrets it could render, and says it renders none', () => {
    const out = tempDir();
    expect(runCli(['build', EXAMPLE, '--out', out, '--quiet']).status).toBe(0);
    const run = runCli(['build', EXAMPLE, '--out', out, '--check']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^remote secrets: 2 with credentials \(not rendered by --check\)$/m);
    expect(run.stdout).not.toMatch(/^remote secrets: 2 rendered$/m);
  });

  it('--quiet prints nothing on a clean build', () => {
    const run = runCli(['build', exampleCopy('multi-primary-multi-network'), '--out', tempDir(), '--quiet']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
  });

  it('--check exits 0 when out/ is current and 1 with the list of drifted files', () => {
    const out = tempDir();
    runCli(['build', EXAMPLE, '--out', out]);
    expect(runCli(['build', EXAMPLE, '--out', out, '--check']).status).toBe(0);
    writeFileSync(join(out, 'east', 'helm', 'istiod.values.yaml'), 'global: {}\n');
    const run = runCli(['build', EXAMPLE, '--out', out, '--check']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`changed ${out}/east/helm/istiod.values.yaml`);
  });

  it('a warning is printed but does not fail the build; --strict makes it fail', () => {
    const dir = tempDir();
    seedPki(dir);
    writeFileSync(join(dir, 'mesh.yaml'), WITH_WARNING);
    const lenient = runCli(['build', 'mesh.yaml', '--out', 'out'], { cwd: dir });
    expect(lenient.status).toBe(0);
    expect(lenient.stderr).toContain('warning W2103');
    const strict = runCli(['build', 'mesh.yaml', '--out', 'out2', '--strict'], { cwd: dir });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('error W2103');
    expect(existsSync(join(dir, 'out2'))).toBe(false);
  });

  it('validate reports a valid mesh and writes nothing', () => {
    const dir = tempDir();
    seedPki(dir);
    writeFileSync(join(dir, 'mesh.yaml'), WITH_WARNING);
    const run = runCli(['validate'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('valid');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('exits quietly with the run\'s exit code when the reader of its output goes away (meshgen build | head -1)', async () => {
    const out = tempDir();
    const child = spawn(process.execPath, [join(REPO, 'dist/cli.js'), 'build', exampleCopy('multi-primary-multi-network'), '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader exits before meshgen prints: every write to stdout fails with EPIPE
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(existsSync(join(out, 'east', 'helm', 'istiod.values.yaml'))).toBe(true);
  });
});
