import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, examplePath, runCli, seedPki, tempDir } from './helpers/fixtures.js';

// `meshgen build --check` explains drift in the CI log: for every file that would be added,
// changed or removed, a unified diff (at most 40 lines of it), and never a private file's content.

const EXAMPLE = examplePath('multi-primary-multi-network');

function builtOut(): string {
  const out = join(tempDir(), 'out');
  expect(runCli(['build', EXAMPLE, '--out', out, '--quiet']).status).toBe(0);
  return out;
}

/** The lines --check prints after the line that names `path`, up to the next file. */
function reportFor(stderr: string, kind: string, path: string): string[] {
  const lines = stderr.split('\n');
  const start = lines.indexOf(`${kind.padEnd(7)} ${path}`);
  expect(start, `a "${kind}" entry for ${path} in:\n${stderr}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && /^(added|changed|removed) {1,3}\S/.test(l));
  return lines.slice(start + 1, end < 0 ? lines.findIndex((l, i) => i > start && l.includes('is not up to date')) : end);
}

describe('meshgen build --check', () => {
  it('shows what changed in a changed file', () => {
    const out = builtOut();
    const file = join(out, 'east/helm/istiod.values.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('network: net-east', 'network: net-typo'));
    const run = runCli(['build', EXAMPLE, '--out', out, '--check']);
    expect(run.status).toBe(1);
    const report = reportFor(run.stderr, 'changed', `${out}/east/helm/istiod.values.yaml`);
    expect(report.slice(0, 2)).toEqual([`--- a/${out}/east/helm/istiod.values.yaml`, `+++ b/${out}/east/helm/istiod.values.yaml`]);
    expect(report).toContain('-  network: net-typo');
    expect(report).toContain('+  network: net-east');
  });

  it('shows the content of a file that would be added', () => {
    const out = builtOut();
    unlinkSync(join(out, 'west/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml'));
    const run = runCli(['build', EXAMPLE, '--out', out, '--check']);
    const report = reportFor(run.stderr, 'added', `${out}/west/manifests/networking.istio.io_Gateway_istio-system_cross-network-gateway.yaml`);
    expect(report[0]).toBe('--- /dev/null');
    expect(report).toContain('+kind: Gateway');
    expect(report.filter((l) => l.startsWith('-')).slice(1)).toEqual([]);
  });

  it('shows the content of a file that would be removed', () => {
    const dir = tempDir();
    seedPki(dir);
    const mesh = join(dir, 'mesh.yaml');
    const text = (ingress: boolean) =>
      `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: demo }\nspec:\n  istio: { version: "1.30.3" }\n  secrets: { mode: omit }\n  clusters:\n    - { name: east, network: net-1, ingressGateway: { enabled: ${ingress} } }\n`;
    writeFileSync(mesh, text(true));
    expect(runCli(['build', 'mesh.yaml', '--out', 'out', '--quiet'], { cwd: dir }).status).toBe(0);
    writeFileSync(mesh, text(false));
    const run = runCli(['build', 'mesh.yaml', '--out', 'out', '--check'], { cwd: dir });
    expect(run.status).toBe(1);
    const report = reportFor(run.stderr, 'removed', 'out/east/helm/istio-ingressgateway.values.yaml');
    expect(report.slice(0, 2)).toEqual(['--- a/out/east/helm/istio-ingressgateway.values.yaml', '+++ /dev/null']);
    expect(report).toContain('-name: istio-ingressgateway');
  });

  it('prints at most 40 lines of diff per file, and says how many more there are', () => {
    const out = builtOut();
    const readme = join(out, 'README.md');
    const original = readFileSync(readme, 'utf8');
    writeFileSync(readme, original.split('\n').map((l) => `${l} (edited)`).join('\n'));
    const run = runCli(['build', EXAMPLE, '--out', out, '--check']);
    const report = reportFor(run.stderr, 'changed', `${out}/README.md`);
    const total = 2 + 1 + 2 * original.split('\n').length; // headers, one hunk, every line removed and added
    expect(report).toHaveLength(41);
    expect(report[40]).toBe(`... ${total - 40} more lines of diff for ${out}/README.md`);
  });

  it('names private files that would change but never prints their content', () => {
    // three clusters whose tokens are known; dropping one removes its remote secrets and CA
    const dir = tempDir();
    seedPki(dir);
    mkdirSync(join(dir, 'creds'));
    copyFileSync(join(REPO, 'examples/multi-primary-multi-network/credentials/east-ca.crt'), join(dir, 'creds/ca.crt'));
    const cluster = (name: string) => {
      writeFileSync(join(dir, 'creds', `${name}.token`), `SECRET-TOKEN-OF-${name}\n`);
      return `    - { name: ${name}, network: net-1, apiServer: { url: "https://${name}.example.test:6443", caFile: creds/ca.crt }, reader: { tokenFile: creds/${name}.token } }\n`;
    };
    const text = (names: string[]) => `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: demo }\nspec:\n  istio: { version: "1.30.3" }\n  clusters:\n${names.map(cluster).join('')}`;
    writeFileSync(join(dir, 'mesh.yaml'), text(['a', 'b', 'c']));
    expect(runCli(['build', 'mesh.yaml', '--out', 'out', '--quiet'], { cwd: dir }).status).toBe(0);
    writeFileSync(join(dir, 'mesh.yaml'), text(['a', 'b']));

    const run = runCli(['build', 'mesh.yaml', '--out', 'out', '--check'], { cwd: dir });
    expect(run.status).toBe(1);
    for (const path of ['out/a/secrets/istio-remote-secret-c.yaml', 'out/c/secrets/cacerts.yaml', 'out/c/secrets/istio-remote-secret-a.yaml']) {
      expect(reportFor(run.stderr, 'removed', path)).toEqual(['  (private file: content not shown)']);
    }
    const printed = run.stdout + run.stderr;
    expect(printed).not.toMatch(/SECRET-TOKEN-OF/);
    expect(printed).not.toMatch(/PRIVATE KEY/);
    expect(printed).not.toContain(readFileSync(join(dir, 'pki/c/ca-key.pem'), 'utf8').split('\n')[1]);
  });
});
