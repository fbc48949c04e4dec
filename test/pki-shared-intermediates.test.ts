import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, certsRotateIntermediate, certsStatus, validate } from '../src/pipeline.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import type { MemoryHost } from '../src/host/memory-host.js';
import { MEMORY_REPO, memoryHostWith } from './helpers/memory.js';

// spec.pki.intermediates: shared. One intermediate CA for every primary, flat at the top of
// spec.pki.dir, as a step-ca setup hands it over (root-cert.pem, ca-cert.pem, ca-key.pem,
// cert-chain.pem; the root key stays offline). The example legacy-global-istio-1.5 holds such
// a directory (TEST-ONLY, made with openssl, ECDSA P-256, no root key).

const EXAMPLE = 'examples/legacy-global-istio-1.5';
const MESH = join(MEMORY_REPO, EXAMPLE, 'mesh.yaml');
const PKI = join(MEMORY_REPO, EXAMPLE, 'pki');
const CLUSTERS = ['cluster1', 'cluster2', 'cluster3'];

const exampleHost = () => memoryHostWith([EXAMPLE]);

/** line:col (1-based) of the first `needle` in `text` that comes after `after`, counted by hand. */
function positionIn(text: string, after: string, needle: string): string {
  const offset = text.indexOf(needle, text.indexOf(after));
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

const at = (d: Diagnostic) => `${d.position?.line}:${d.position?.col}`;
const errorsOf = (diagnostics: readonly Diagnostic[]) => diagnostics.filter((d) => d.severity === 'error');

/** The cacerts Secret of a cluster, as the build wrote it: data key → decoded text. */
function cacertsData(host: MemoryHost, out: string, cluster: string): Record<string, string> {
  const text = host.readFile(join(out, cluster, 'secrets', 'cacerts.yaml'));
  const data: Record<string, string> = {};
  for (const match of text.matchAll(/^ {2}([a-z-]+\.pem): (\S+)$/gm)) data[match[1]] = Buffer.from(match[2], 'base64').toString('utf8');
  return data;
}

/** A mesh of two primaries with shared intermediates, ECDSA keys, and no pki/ yet. */
function newSharedMesh(extra = ''): { host: MemoryHost; meshFile: string; pki: string } {
  const host = memoryHostWith([]);
  const dir = join(MEMORY_REPO, 'shared');
  host.mkdir(dir);
  const meshFile = join(dir, 'mesh.yaml');
  host.writeFile(
    meshFile,
    [
      'apiVersion: meshgen.dev/v1alpha1',
      'kind: Mesh',
      'metadata:',
      '  name: demo',
      'spec:',
      '  istio:',
      '    version: "1.30.3"',
      '  pki:',
      '    keyType: ecdsa-p256',
      '    intermediates: shared',
      extra,
      '  clusters:',
      '    - { name: east, network: net-1, apiServer: { url: "https://198.51.100.1:6443" } }',
      '    - { name: west, network: net-1, apiServer: { url: "https://198.51.100.2:6443" } }',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  return { host, meshFile, pki: join(dir, 'pki') };
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/**
 * Whether `certPem` chains to `rootPem`, checked by a tool independent of meshgen: `openssl
 * verify` where openssl exists, else Node's X509Certificate (issuer name and signature).
 */
function chainVerifies(rootPem: string, certPem: string): boolean {
  if (hasOpenssl) {
    const dir = mkdtempSync(join(tmpdir(), 'meshgen-shared-verify-'));
    temps.push(dir);
    writeFileSync(join(dir, 'root.pem'), rootPem);
    writeFileSync(join(dir, 'cert.pem'), certPem);
    try {
      execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), join(dir, 'cert.pem')], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  }
  const root = new X509Certificate(rootPem);
  const cert = new X509Certificate(certPem);
  return cert.checkIssued(root) && cert.verify(root.publicKey);
}

describe('adopting a flat step-ca directory (pki.intermediates: shared)', () => {
  it('builds without a root key, writes nothing to pki/, and gives every primary the directory\'s intermediate', async () => {
    const host = exampleHost();
    const pkiBefore = host.tree(PKI);
    expect(pkiBefore.has('root-key.pem')).toBe(false);
    const result = await build({ meshFile: MESH, outDir: '/out' }, host);
    expect(errorsOf(result.diagnostics)).toEqual([]);
    expect(result.pki?.created).toEqual([]);
    expect(host.tree(PKI)).toEqual(pkiBefore);
    const files = host.files(PKI);
    for (const cluster of CLUSTERS) {
      expect(cacertsData(host, '/out', cluster), cluster).toEqual({
        'ca-cert.pem': files.get('ca-cert.pem'),
        'ca-key.pem': files.get('ca-key.pem'),
        'cert-chain.pem': files.get('cert-chain.pem'),
        'root-cert.pem': files.get('root-cert.pem'),
      });
      expect(host.readFile(join('/out', cluster, 'certs', 'ca-cert.pem'))).toBe(files.get('ca-cert.pem'));
    }
  });

  it('warns (W3350) at spec.pki.intermediates that one intermediate in three clusters lets one cluster mint identities for all, and says how to switch', () => {
    const host = exampleHost();
    const result = validate({ meshFile: MESH }, host);
    const warnings = result.diagnostics.filter((d) => d.code === 'W3350');
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning.severity).toBe('warning');
    expect(warning.file).toBe(MESH);
    expect(at(warning)).toBe(positionIn(host.readFile(MESH), '\n    intermediates:', 'shared'));
    expect(warning.message).toContain('cluster1, cluster2, cluster3');
    expect(warning.message).toContain('mint workload identities every cluster trusts');
    expect(warning.message).toContain('no cluster can be revoked or rotated alone');
    expect(warning.hint).toContain('set spec.pki.intermediates to per-cluster');
  });

  it('does not warn with a single primary', () => {
    const { host, meshFile } = newSharedMesh();
    host.writeFile(meshFile, host.readFile(meshFile).replace(/ {4}- \{ name: west.*\n/, ''), { mode: 0o644 });
    expect(validate({ meshFile }, host).diagnostics).toEqual([]);
  });

  it('refuses an intermediate key that does not belong to ca-cert.pem (MG3002 at spec.pki.intermediates, naming pki/ca-key.pem), writing nothing', async () => {
    const host = exampleHost();
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    host.writeFile(join(PKI, 'ca-key.pem'), otherKey, { mode: 0o600 });
    const result = await build({ meshFile: MESH, outDir: '/out' }, host);
    const errors = errorsOf(result.diagnostics);
    expect(errors.map((d) => `${d.code} ${d.file}:${at(d)}`)).toEqual([`MG3002 ${MESH}:${positionIn(host.readFile(MESH), '\n    intermediates:', 'shared')}`]);
    expect(errors[0].message).toContain(join(MEMORY_REPO, EXAMPLE, 'pki', 'ca-key.pem'));
    expect(errors[0].message).toContain('does not match ca-cert.pem');
    expect(host.lstat('/out')).toBeUndefined();
  });

  it('refuses an intermediate that the root did not sign (MG3003 at spec.pki.intermediates, naming pki/ca-cert.pem)', async () => {
    const host = exampleHost();
    // the suite's fake CA: a root of its own, so the example's intermediate does not chain to it
    const other = memoryHostWith(['test/fixtures/pki']);
    host.writeFile(join(PKI, 'root-cert.pem'), other.readFile(join(MEMORY_REPO, 'test/fixtures/pki/root-cert.pem')), { mode: 0o644 });
    const result = await build({ meshFile: MESH, outDir: '/out', check: true }, host);
    const notSigned = errorsOf(result.diagnostics).find((d) => d.code === 'MG3003');
    expect(notSigned?.file).toBe(MESH);
    expect(at(notSigned!)).toBe(positionIn(host.readFile(MESH), '\n    intermediates:', 'shared'));
    expect(notSigned?.message).toContain(`${join(MEMORY_REPO, EXAMPLE, 'pki', 'ca-cert.pem')}: intermediate certificate shared by every primary is not signed by the root`);
  });

  it('refuses a shared intermediate that is missing while the root key is offline (MG3351 at spec.pki.intermediates), writing nothing', async () => {
    const host = exampleHost();
    for (const file of ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem']) host.unlink(join(PKI, file));
    const pkiBefore = host.tree(PKI);
    const result = await build({ meshFile: MESH, outDir: '/out' }, host);
    const errors = errorsOf(result.diagnostics);
    expect(errors.map((d) => d.code)).toEqual(['MG3351']);
    expect(errors[0].file).toBe(MESH);
    expect(at(errors[0])).toBe(positionIn(host.readFile(MESH), '\n    intermediates:', 'shared'));
    expect(errors[0].hint).toContain('root-key.pem');
    expect(host.tree(PKI)).toEqual(pkiBefore);
    expect(host.lstat('/out')).toBeUndefined();
  });

  it('certs status lists the root and one intermediate named for every primary, both verifying', () => {
    const host = exampleHost();
    const status = certsStatus(MESH, host);
    expect(status.ok).toBe(true);
    const headers = status.text!.split('\n').filter((line) => !line.startsWith(' ') && line !== '');
    expect(headers).toEqual([`root  ${join(MEMORY_REPO, EXAMPLE, 'pki', 'root-cert.pem')}`, `shared (cluster1, cluster2, cluster3)  ${join(MEMORY_REPO, EXAMPLE, 'pki', 'ca-cert.pem')}`]);
    expect(status.text!.match(/^ {2}verifies +yes$/gm)).toHaveLength(2);
  });

  it('certs status marks the shared intermediate as not verifying when its key does not match, and points at spec.pki.intermediates', () => {
    const host = exampleHost();
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    host.writeFile(join(PKI, 'ca-key.pem'), otherKey, { mode: 0o600 });
    const status = certsStatus(MESH, host);
    expect(status.ok).toBe(false);
    const sharedEntry = status.text!.split('\n\n').find((entry) => entry.startsWith('shared (cluster1, cluster2, cluster3)'))!;
    expect(sharedEntry).toMatch(/^ {2}verifies +no$/m);
    expect(sharedEntry).toMatch(/^ {2}problem +intermediate key shared by every primary does not match ca-cert\.pem$/m);
    expect(status.diagnostics.map((d) => `${d.code} ${d.file}:${at(d)}`)).toEqual([`MG3002 ${MESH}:${positionIn(host.readFile(MESH), '\n    intermediates:', 'shared')}`]);
  });

  it('certs rotate-intermediate refuses one cluster of a shared intermediate (MG3352 at spec.pki.intermediates) and changes nothing', async () => {
    const host = exampleHost();
    const pkiBefore = host.tree(PKI);
    const result = await certsRotateIntermediate(MESH, 'cluster1', host);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['MG3352']);
    expect(at(result.diagnostics[0])).toBe(positionIn(host.readFile(MESH), '\n    intermediates:', 'shared'));
    expect(host.tree(PKI)).toEqual(pkiBefore);
  });

  it('README: with secrets.mode omit, the cacerts command reads the flat files of pki/', async () => {
    const host = exampleHost();
    host.writeFile(MESH, host.readFile(MESH).replace('  pki:\n', '  secrets:\n    mode: omit\n  pki:\n'), { mode: 0o644 });
    const result = await build({ meshFile: MESH, outDir: join(MEMORY_REPO, 'out') }, host);
    expect(errorsOf(result.diagnostics)).toEqual([]);
    const readme = host.readFile(join(MEMORY_REPO, 'out', 'README.md'));
    const pki = '../examples/legacy-global-istio-1.5/pki';
    expect(readme).toContain(`kubectl --context "$CTX_CLUSTER2" -n istio-system create secret generic cacerts --from-file=${pki}/ca-cert.pem --from-file=${pki}/ca-key.pem --from-file=${pki}/root-cert.pem --from-file=${pki}/cert-chain.pem`);
    expect(readme).not.toContain(`${pki}/cluster2/`);
  });
});

describe('a flat step-ca directory without pki.intermediates: shared', () => {
  it('is refused for want of the root key (MG3010), with a hint to set pki.intermediates: shared', async () => {
    const host = exampleHost();
    host.writeFile(MESH, host.readFile(MESH).replace(/^ {2}pki:\n {4}intermediates: shared.*\n/m, ''), { mode: 0o644 });
    expect(host.readFile(MESH)).not.toMatch(/^ {4}intermediates:/m);
    const result = await build({ meshFile: MESH, outDir: '/out' }, host);
    const errors = errorsOf(result.diagnostics);
    expect(errors.map((d) => d.code)).toEqual(['MG3010']);
    expect(errors[0].hint).toContain('set spec.pki.intermediates: shared');
  });
});

describe('generating a shared intermediate', () => {
  it('with nothing in pki/: a root and one intermediate at the top of pki/, keys 0600 in a 0700 directory, no cluster directories', async () => {
    const { host, meshFile, pki } = newSharedMesh();
    const result = await build({ meshFile, outDir: join(MEMORY_REPO, 'shared', 'out') }, host);
    expect(errorsOf(result.diagnostics)).toEqual([]);
    expect([...host.files(pki).keys()]).toEqual(['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem', 'root-key.pem']);
    expect(host.stat(pki)?.mode).toBe(0o700);
    expect(host.stat(join(pki, 'ca-key.pem'))?.mode).toBe(0o600);
    expect(host.stat(join(pki, 'root-key.pem'))?.mode).toBe(0o600);
    const caKey = host.readFile(join(pki, 'ca-key.pem'));
    expect(caKey).toContain('-----BEGIN PRIVATE KEY-----'); // PKCS#8, ECDSA as keyType asks
    expect(new X509Certificate(host.readFile(join(pki, 'ca-cert.pem'))).publicKey.asymmetricKeyType).toBe('ec');
    expect(host.readFile(join(pki, 'cert-chain.pem'))).toBe(host.readFile(join(pki, 'ca-cert.pem')) + host.readFile(join(pki, 'root-cert.pem')));
  });

  it('gives both primaries the same cacerts, whose intermediate chains to the root (negative control: not to another root)', async () => {
    const { host, meshFile, pki } = newSharedMesh();
    const out = join(MEMORY_REPO, 'shared', 'out');
    expect(errorsOf((await build({ meshFile, outDir: out }, host)).diagnostics)).toEqual([]);
    const east = cacertsData(host, out, 'east');
    expect(cacertsData(host, out, 'west')).toEqual(east);
    expect(east['ca-cert.pem']).toBe(host.readFile(join(pki, 'ca-cert.pem')));
    expect(east['root-cert.pem']).toBe(host.readFile(join(pki, 'root-cert.pem')));
    expect(chainVerifies(east['root-cert.pem'], east['ca-cert.pem'])).toBe(true);
    const otherRoot = memoryHostWith(['test/fixtures/pki']).readFile(join(MEMORY_REPO, 'test/fixtures/pki/root-cert.pem'));
    expect(chainVerifies(otherRoot, east['ca-cert.pem'])).toBe(false);
  });

  it('under an existing root whose key is present: the root files stay as they were', async () => {
    const { host, meshFile, pki } = newSharedMesh();
    const fixtures = memoryHostWith(['test/fixtures/pki']);
    host.mkdir(pki, 0o700);
    for (const [file, mode] of [['root-cert.pem', 0o644], ['root-key.pem', 0o600]] as const) {
      host.writeFile(join(pki, file), fixtures.readFile(join(MEMORY_REPO, 'test/fixtures/pki', file)), { mode });
    }
    const rootBefore = host.readFile(join(pki, 'root-cert.pem'));
    const result = await build({ meshFile, outDir: join(MEMORY_REPO, 'shared', 'out') }, host);
    expect(errorsOf(result.diagnostics)).toEqual([]);
    expect(result.pki?.created.sort()).toEqual(['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem']);
    expect(host.readFile(join(pki, 'root-cert.pem'))).toBe(rootBefore);
    expect(chainVerifies(rootBefore, host.readFile(join(pki, 'ca-cert.pem')))).toBe(true);
  });
});

describe('per-cluster intermediates that are one certificate', () => {
  it('warn (W3350) naming both files when a cluster\'s directory is a copy of another\'s', async () => {
    const example = 'examples/multi-primary';
    const host = memoryHostWith([example]);
    const pki = join(MEMORY_REPO, example, 'pki');
    for (const file of ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem']) {
      host.writeFile(join(pki, 'cluster2', file), host.readFile(join(pki, 'cluster1', file)), { mode: file === 'ca-key.pem' ? 0o600 : 0o644 });
    }
    const result = await build({ meshFile: join(MEMORY_REPO, example, 'mesh.yaml'), outDir: '/out', check: true }, host);
    const warnings = result.diagnostics.filter((d) => d.code === 'W3350');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain(`${join(pki, 'cluster1', 'ca-cert.pem')} and ${join(pki, 'cluster2', 'ca-cert.pem')} are the same certificate`);
    expect(warnings[0].message).toContain('mint workload identities every cluster trusts');
    // mesh.yaml does not write spec.pki.intermediates: the warning names the copy
    expect(warnings[0].file).toBe(join(pki, 'cluster2', 'ca-cert.pem'));
  });

  it('do not warn when each cluster has its own', async () => {
    const example = 'examples/multi-primary';
    const host = memoryHostWith([example]);
    const result = await build({ meshFile: join(MEMORY_REPO, example, 'mesh.yaml'), outDir: '/out', check: true }, host);
    expect(result.diagnostics.filter((d) => d.code === 'W3350')).toEqual([]);
  });
});
