import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { build } from '../src/pipeline.js';
import { EXAMPLES, REPO, examplePath, modeOf, readTree, runCli, seedPki, tempDir } from './helpers/fixtures.js';

// Remote secrets, shaped as `istioctl create-remote-secret` makes them, one in
// each reader per cluster it reads, from credentials read at build time.

/** A fake CA certificate shipped with the examples (its key was never kept). */
const FAKE_CA = join(REPO, 'examples/multi-primary-multi-network/credentials/east-ca.crt');

function workspace(clusters: { name: string; extra?: string; token?: string | null }[], spec = ''): { dir: string; mesh: string; out: string } {
  const dir = tempDir();
  seedPki(dir);
  mkdirSync(join(dir, 'creds'));
  copyFileSync(FAKE_CA, join(dir, 'creds', 'ca.crt'));
  const lines = clusters.map(({ name, extra = '', token }) => {
    if (token !== null) writeFileSync(join(dir, 'creds', `${name}.token`), token ?? `TOKEN-OF-${name.toUpperCase()}-0123456789\n`);
    return `    - { name: ${name}, network: net-1, apiServer: { url: "https://${name}.example.test:6443", caFile: creds/ca.crt }, reader: { tokenFile: creds/${name}.token }${extra} }`;
  });
  const mesh = join(dir, 'mesh.yaml');
  writeFileSync(mesh, `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: demo }\nspec:\n  istio: { version: "1.30.3" }\n${spec}  clusters:\n${lines.join('\n')}\n`);
  return { dir, mesh, out: join(dir, 'out') };
}

function secretsIn(out: string): string[] {
  return [...readTree(out).keys()].filter((p) => p.includes('/secrets/istio-remote-secret-')).sort();
}

describe('remote secrets', () => {
  it('a multi-primary mesh of N clusters gets N×(N−1) of them, one per reader and cluster read', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    expect(secretsIn(ws.out)).toEqual([
      'a/secrets/istio-remote-secret-b.yaml',
      'a/secrets/istio-remote-secret-c.yaml',
      'b/secrets/istio-remote-secret-a.yaml',
      'b/secrets/istio-remote-secret-c.yaml',
      'c/secrets/istio-remote-secret-a.yaml',
      'c/secrets/istio-remote-secret-b.yaml',
    ]);
    expect(result.remoteSecrets).toEqual({ rendered: 6, notRendered: 0 });
  });

  it('have the shape istioctl gives them, with every name equal to the cluster read', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b' }]);
    await build({ meshFile: ws.mesh, outDir: ws.out });
    const secret = parse(readFileSync(join(ws.out, 'a/secrets/istio-remote-secret-b.yaml'), 'utf8'));
    expect(secret.apiVersion).toBe('v1');
    expect(secret.kind).toBe('Secret');
    expect(secret.metadata).toEqual({
      name: 'istio-remote-secret-b',
      namespace: 'istio-system',
      labels: { 'istio/multiCluster': 'true' },
      annotations: { 'networking.istio.io/cluster': 'b' },
    });
    expect(Object.keys(secret.stringData)).toEqual(['b']);
    const kubeconfig = parse(secret.stringData.b);
    expect(kubeconfig.kind).toBe('Config');
    expect(kubeconfig['current-context']).toBe('b');
    expect(kubeconfig.clusters).toEqual([{ name: 'b', cluster: { server: 'https://b.example.test:6443', 'certificate-authority-data': Buffer.from(readFileSync(FAKE_CA)).toString('base64') } }]);
    expect(kubeconfig.contexts).toEqual([{ name: 'b', context: { cluster: 'b', user: 'b' } }]);
    expect(kubeconfig.users).toEqual([{ name: 'b', user: { token: 'TOKEN-OF-B-0123456789' } }]);
  });

  // legacy .global meshes have no remote secrets: each istiod knows only its own cluster
  // the external-secrets examples write no remote secret: ExternalSecrets make them (below); nor do omit-mode examples
  const READING_EXAMPLES = EXAMPLES.filter((e) => !e.startsWith('legacy-global') && !e.startsWith('external-secrets') && !/^ {4}mode: omit\b/m.test(readFileSync(examplePath(e), 'utf8')));
  const BY_REFERENCE_EXAMPLES = EXAMPLES.filter((e) => e.startsWith('external-secrets'));
  // examples whose remote secrets are encrypted: test/encrypted-secrets-*.test.ts read them decrypted
  const PLAIN_READING_EXAMPLES = READING_EXAMPLES.filter((e) => !/^\s+mode: (sops|sealed-secrets)$/m.test(readFileSync(examplePath(e), 'utf8')));

  it.each(EXAMPLES.filter((e) => e.startsWith('legacy-global')))('in example %s (legacy .global), no cluster holds a remote secret or a reader token Secret', async (example) => {
    const out = join(tempDir(), 'out');
    expect((await build({ meshFile: examplePath(example), outDir: out })).ok).toBe(true);
    expect(secretsIn(out)).toEqual([]);
    expect([...readTree(out).keys()].filter((p) => p.includes('istio-reader-service-account'))).toEqual([]);
  });

  it.each(PLAIN_READING_EXAMPLES)('in example %s, every secret key equals the clusterName of the cluster it reads', async (example) => {
    const out = join(tempDir(), 'out');
    expect((await build({ meshFile: examplePath(example), outDir: out })).ok).toBe(true);
    const secrets = secretsIn(out);
    expect(secrets.length).toBeGreaterThan(0);
    for (const path of secrets) {
      const secret = parse(readFileSync(join(out, path), 'utf8'));
      const [key] = Object.keys(secret.stringData);
      // where the cluster's identity is installed from: the istiod values, or the IstioOperator (installer istioctl)
      // istiod.values.yaml, or istiod-<revision>.values.yaml with istio.revision
      const helmValues = [join(out, key, 'helm/istiod.values.yaml'), ...(existsSync(join(out, key, 'helm')) ? readdirSync(join(out, key, 'helm')).filter((f) => /^istiod-.+\.values\.yaml$/.test(f)).map((f) => join(out, key, 'helm', f)) : [])].find((f) => existsSync(f)) ?? join(out, key, 'helm/istiod.values.yaml');
      const clusterName = existsSync(helmValues)
        ? parse(readFileSync(helmValues, 'utf8')).global.multiCluster.clusterName
        : parse(readFileSync(join(out, key, 'istioctl/istio-operator.yaml'), 'utf8')).spec.values.global.multiCluster.clusterName;
      expect(key, path).toBe(clusterName);
      expect(secret.metadata.name, path).toBe(`istio-remote-secret-${clusterName}`);
      expect(parse(secret.stringData[key]).users[0].name, path).toBe(clusterName);
    }
  });

  it.each(BY_REFERENCE_EXAMPLES)('in example %s, every remote secret ExternalSecret names its Secret and its one key after the clusterName of the cluster it reads', async (example) => {
    const out = join(tempDir(), 'out');
    expect((await build({ meshFile: examplePath(example), outDir: out })).ok).toBe(true);
    const externalSecrets = [...readTree(out).keys()].filter((p) => p.includes('/manifests/external-secrets.io_ExternalSecret_istio-system_istio-remote-secret-'));
    expect(externalSecrets.length).toBeGreaterThan(0);
    for (const path of externalSecrets) {
      const target = parse(readFileSync(join(out, path), 'utf8')).spec.target;
      const [key] = Object.keys(target.template.data);
      const clusterName = parse(readFileSync(join(out, key, 'helm/istiod.values.yaml'), 'utf8')).global.multiCluster.clusterName;
      expect(key, path).toBe(clusterName);
      expect(target.name, path).toBe(`istio-remote-secret-${clusterName}`);
      expect(target.template.metadata.annotations['networking.istio.io/cluster'], path).toBe(clusterName);
    }
  });

  it('in primary-remote, the remote is read by its primary and holds no secret itself', async () => {
    const ws = workspace([
      { name: 'main', extra: ', eastWestGateway: { address: 192.0.2.10 }' },
      { name: 'edge', extra: ', role: remote, controlPlane: main' },
    ]);
    await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(secretsIn(ws.out)).toEqual(['main/secrets/istio-remote-secret-edge.yaml']);
  });

  it('files holding tokens are mode 0600', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b' }]);
    await build({ meshFile: ws.mesh, outDir: ws.out });
    for (const path of secretsIn(ws.out)) expect(modeOf(join(ws.out, path)), path).toBe(0o600);
  });

  it('a cluster that others read gets the reader token Secret in its manifests', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b' }]);
    await build({ meshFile: ws.mesh, outDir: ws.out });
    const token = parse(readFileSync(join(ws.out, 'a/manifests/core_Secret_istio-system_istio-reader-service-account-istio-remote-secret-token.yaml'), 'utf8'));
    expect(token).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'istio-reader-service-account-istio-remote-secret-token',
        namespace: 'istio-system',
        annotations: { 'kubernetes.io/service-account.name': 'istio-reader-service-account' },
      },
      type: 'kubernetes.io/service-account-token',
    });
  });

  it('reads a token from the environment variable reader.tokenEnv names', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b', extra: '' }]);
    writeFileSync(ws.mesh, readFileSync(ws.mesh, 'utf8').replace('reader: { tokenFile: creds/b.token }', 'reader: { tokenEnv: B_TOKEN }'));
    await build({ meshFile: ws.mesh, outDir: ws.out, env: { B_TOKEN: 'FROM-THE-ENVIRONMENT' } });
    const secret = parse(readFileSync(join(ws.out, 'a/secrets/istio-remote-secret-b.yaml'), 'utf8'));
    expect(parse(secret.stringData.b).users[0].user.token).toBe('FROM-THE-ENVIRONMENT');
  });

  it('a missing token is a warning: everything else is rendered, and the secret is named', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b', token: null }]);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    const warnings = result.diagnostics.filter((d) => d.code === 'W2201');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('"b"');
    expect(warnings[0].message).toContain('creds/b.token');
    expect(secretsIn(ws.out)).toEqual(['b/secrets/istio-remote-secret-a.yaml']);
    expect(result.remoteSecrets).toEqual({ rendered: 1, notRendered: 1 });
    expect(existsSync(join(ws.out, 'a/helm/istiod.values.yaml'))).toBe(true);
  });

  it('--strict turns a missing token into an error, and nothing is written', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b', token: null }]);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, strict: true });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.find((d) => d.code === 'W2201')?.severity).toBe('error');
    expect(existsSync(ws.out)).toBe(false);
  });

  it('public files do not depend on whether tokens are at hand, so --check passes in CI without them', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b' }]);
    await build({ meshFile: ws.mesh, outDir: ws.out });
    const before = readTree(ws.out);
    for (const name of ['a', 'b']) writeFileSync(join(ws.dir, 'creds', `${name}.token`), '');
    const check = await build({ meshFile: ws.mesh, outDir: ws.out, check: true });
    expect(check.diff!.changes.filter((c) => c.kind !== 'unchanged')).toEqual([]);
    expect(check.ok).toBe(true);
    // and a build without tokens keeps the secrets rendered earlier instead of pruning them
    const rebuilt = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(rebuilt.ok).toBe(true);
    expect(readTree(ws.out)).toEqual(before);
  });

  it('secrets.mode omit writes no remote secret and needs no credentials', async () => {
    const ws = workspace([{ name: 'a', token: null }, { name: 'b', token: null }], '  secrets: { mode: omit }\n');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([]);
    expect(secretsIn(ws.out)).toEqual([]);
    expect(readFileSync(join(ws.out, 'README.md'), 'utf8')).toContain('istioctl create-remote-secret');
  });

  it('warns about a loopback or plain-http API server', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b' }]);
    writeFileSync(ws.mesh, readFileSync(ws.mesh, 'utf8').replace('https://a.example.test:6443', 'http://127.0.0.1:6443'));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.map((d) => d.code).sort()).toEqual(['W2202', 'W2203']);
  });

  it('a CA file that is not a PEM certificate is an error', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b' }]);
    writeFileSync(join(ws.dir, 'creds', 'ca.crt'), 'not a certificate\n');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['MG2203', 'MG2203']);
    expect(existsSync(ws.out)).toBe(false);
  });

  it('a token path that cannot be read (a directory) is an error, not a missing token', async () => {
    const ws = workspace([{ name: 'a' }, { name: 'b', token: null }]);
    mkdirSync(join(ws.dir, 'creds', 'b.token'));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['MG2202']);
  });

  it('no token or CA ever appears in what meshgen prints, even when it warns', () => {
    const ws = workspace([{ name: 'a' }, { name: 'b' }, { name: 'c', token: null }]);
    const run = runCli(['build', ws.mesh, '--out', ws.out]);
    expect(run.status).toBe(0);
    const printed = run.stdout + run.stderr;
    expect(printed).toContain('remote secrets: 4 rendered, 2 not rendered');
    expect(printed).not.toContain('TOKEN-OF-');
    expect(printed).not.toContain(Buffer.from(readFileSync(FAKE_CA)).toString('base64').slice(0, 40));
    expect(printed).not.toContain('BEGIN CERTIFICATE');
  });
});
