import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { build } from '../src/pipeline.js';
import { certificateBuildCount } from '../src/pki/index.js';
import { modeOf, readTree, seedPki, tempDir } from './helpers/fixtures.js';

// CA material through the whole build: reused byte
// for byte, published under certs/, plugged in as the cacerts Secret, never leaking a key.

const MESH = `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  clusters:
    - { name: east, network: net-1, apiServer: { url: "https://192.0.2.1:6443" } }
    - { name: west, network: net-2, apiServer: { url: "https://192.0.2.2:6443" } }
`;

function workspace(options: { seed: boolean }): { dir: string; mesh: string; out: string } {
  const dir = tempDir();
  if (options.seed) seedPki(dir);
  writeFileSync(join(dir, 'mesh.yaml'), MESH);
  return { dir, mesh: join(dir, 'mesh.yaml'), out: join(dir, 'out') };
}

describe('CA material in a build', () => {
  it('the first build creates the Makefile layout with private keys mode 0600', async () => {
    const ws = workspace({ seed: false });
    writeFileSync(ws.mesh, MESH.replace('spec:\n', 'spec:\n  pki: { keyType: ecdsa-p256 }\n')); // no RSA-4096 keys in tests
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    expect(result.pki?.created.sort()).toEqual(
      ['root-cert.pem', 'root-key.pem', ...['east', 'west'].flatMap((c) => ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem'].map((f) => `${c}/${f}`))].sort(),
    );
    for (const key of ['root-key.pem', 'east/ca-key.pem', 'west/ca-key.pem']) expect(modeOf(join(ws.dir, 'pki', key)), key).toBe(0o600);
  }, 30_000);

  it('a second build leaves every byte of pki/ and out/ unchanged, and builds no certificate', async () => {
    const ws = workspace({ seed: true });
    await build({ meshFile: ws.mesh, outDir: ws.out });
    const pkiBefore = readTree(join(ws.dir, 'pki'));
    const outBefore = readTree(ws.out);
    const certificatesBefore = certificateBuildCount();
    const second = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(second.pki?.created).toEqual([]);
    expect(readTree(join(ws.dir, 'pki'))).toEqual(pkiBefore);
    expect(readTree(ws.out)).toEqual(outBefore);
    expect(certificateBuildCount()).toBe(certificatesBefore);
  });

  it('publishes each primary\'s certificates under certs/, byte for byte as in pki/', async () => {
    const ws = workspace({ seed: true });
    await build({ meshFile: ws.mesh, outDir: ws.out });
    for (const [pkiFile, outFile] of [
      ['east/root-cert.pem', 'east/certs/root-cert.pem'],
      ['east/ca-cert.pem', 'east/certs/ca-cert.pem'],
      ['east/cert-chain.pem', 'east/certs/cert-chain.pem'],
    ]) {
      expect(readFileSync(join(ws.out, outFile), 'utf8')).toBe(readFileSync(join(ws.dir, 'pki', pkiFile), 'utf8'));
    }
  });

  it('renders the cacerts Secret with the four keys istiod requires, and no istio-generated key', async () => {
    const ws = workspace({ seed: true });
    await build({ meshFile: ws.mesh, outDir: ws.out });
    const secret = parse(readFileSync(join(ws.out, 'west/secrets/cacerts.yaml'), 'utf8'));
    expect(secret.metadata).toEqual({ name: 'cacerts', namespace: 'istio-system' });
    expect(Object.keys(secret.data).sort()).toEqual(['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem']);
    const decoded = (key: string) => Buffer.from(secret.data[key], 'base64').toString('utf8');
    expect(decoded('ca-key.pem')).toBe(readFileSync(join(ws.dir, 'pki/west/ca-key.pem'), 'utf8'));
    expect(decoded('cert-chain.pem')).toBe(decoded('ca-cert.pem') + decoded('root-cert.pem'));
    expect(modeOf(join(ws.out, 'west/secrets/cacerts.yaml'))).toBe(0o600);
  });

  it('the root key never enters out/', async () => {
    const ws = workspace({ seed: true });
    await build({ meshFile: ws.mesh, outDir: ws.out });
    const rootKey = readFileSync(join(ws.dir, 'pki/root-key.pem'), 'utf8');
    // from the middle of the key (the committed test root is RSA-4096): every RSA-4096 PKCS#8 key begins with the same bytes
    const pemLine = rootKey.split('\n')[10];
    const base64Slice = Buffer.from(rootKey).toString('base64').slice(400, 480); // offset aligned to 4: as embedded by a Secret
    const intermediateKey = readFileSync(join(ws.dir, 'pki/west/ca-key.pem'), 'utf8');
    expect(readFileSync(join(ws.out, 'west/secrets/cacerts.yaml'), 'utf8')).toContain(Buffer.from(intermediateKey).toString('base64').slice(400, 480)); // the probe finds keys
    for (const [path, bytes] of readTree(ws.out)) {
      const text = bytes.toString('utf8');
      expect(text.includes(pemLine), path).toBe(false);
      expect(text.includes(base64Slice), path).toBe(false);
    }
  });

  it('secrets.mode omit writes the public certificates but no private material', async () => {
    const ws = workspace({ seed: true });
    writeFileSync(ws.mesh, MESH.replace('spec:\n', 'spec:\n  secrets: { mode: omit }\n'));
    await build({ meshFile: ws.mesh, outDir: ws.out });
    const files = [...readTree(ws.out).keys()];
    expect(files).toContain('east/certs/ca-cert.pem');
    expect(files.filter((p) => p.includes('/secrets/'))).toEqual([]);
  });

  it('--check never creates CA material: missing material is an error', async () => {
    const ws = workspace({ seed: false });
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, check: true });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toContain('MG3011');
    expect(existsSync(join(ws.dir, 'pki'))).toBe(false);
    expect(existsSync(ws.out)).toBe(false);
  });

  it('--check passes in a checkout that holds the certificates but no keys', async () => {
    const ws = workspace({ seed: true });
    await build({ meshFile: ws.mesh, outDir: ws.out });
    for (const key of ['root-key.pem', 'east/ca-key.pem', 'west/ca-key.pem']) rmSync(join(ws.dir, 'pki', key));
    for (const secret of ['east/secrets', 'west/secrets']) rmSync(join(ws.out, secret), { recursive: true }); // git-ignored
    const result = await build({ meshFile: ws.mesh, outDir: ws.out, check: true });
    expect(result.diff!.changes.filter((c) => c.kind !== 'unchanged')).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('a broken intermediate stops the build with an MG3 diagnostic naming the file, and writes nothing', async () => {
    const ws = workspace({ seed: true });
    writeFileSync(join(ws.dir, 'pki/east/ca-cert.pem'), readFileSync(join(ws.dir, 'pki/west/ca-cert.pem')));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(false);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((d) => d.code.startsWith('MG3'))).toBe(true);
    expect(errors.some((d) => d.file?.endsWith(join('pki', 'east', 'ca-cert.pem')) || d.file?.endsWith(join('pki', 'east', 'ca-key.pem')))).toBe(true);
    expect(existsSync(ws.out)).toBe(false);
  });
});
