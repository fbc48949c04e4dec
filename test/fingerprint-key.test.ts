import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from '../src/pipeline.js';
import { exampleCopy, readTree, tempDir } from './helpers/fixtures.js';

// pki.provider cert-manager with secrets.mode sops: meshgen holds no CA key, so the
// `meshgen.dev/encrypted-from` fingerprints of the remote secrets are keyed with
// <pki.dir>/fingerprint.key, made once by the first build (src/pki/fingerprint-key.ts).
// The mesh is examples/sops-flux with its CA replaced by a cert-manager issuer.

const KEY_FILE = 'pki/fingerprint.key';

let built: Promise<string> | undefined;

/** The example under cert-manager, built once per file; each test gets a copy of that directory. */
async function builtCopy(): Promise<{ dir: string; meshFile: string; outDir: string }> {
  built ??= (async () => {
    const meshFile = exampleCopy('sops-flux');
    const dir = dirname(meshFile);
    // the issuer's public root is all meshgen gets; no CA key anywhere
    renameSync(join(dir, 'pki/root-cert.pem'), join(dir, 'issuer-root.pem'));
    rmSync(join(dir, 'pki'), { recursive: true });
    const text = readFileSync(meshFile, 'utf8');
    writeFileSync(meshFile, text.replace('spec:\n', 'spec:\n  pki:\n    provider: cert-manager\n    certManager:\n      issuerRef: { kind: ClusterIssuer, name: istio-ca }\n      rootCertFile: issuer-root.pem\n'));
    const result = await build({ meshFile, outDir: join(dir, 'out') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    return dir;
  })();
  const source = await built;
  const dir = tempDir();
  cpSync(source, dir, { recursive: true });
  return { dir, meshFile: join(dir, 'mesh.yaml'), outDir: join(dir, 'out') };
}

function encryptedFiles(outDir: string): Map<string, Buffer> {
  return new Map([...readTree(outDir)].filter(([path]) => /^[^/]+\/secrets\//.test(path)));
}

describe('pki.provider cert-manager with sops: the fingerprint key', () => {
  it('the first build makes pki/fingerprint.key: 32 random bytes in base64, mode 0600 in a 0700 directory, not under out/', async () => {
    const { dir, outDir } = await builtCopy();
    const text = readFileSync(join(dir, KEY_FILE), 'utf8');
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(text.trim(), 'base64')).toHaveLength(32);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'pki')).mode & 0o777).toBe(0o700);
    const key = text.trim();
    for (const [path, bytes] of readTree(outDir)) expect(bytes.toString('utf8').includes(key), path).toBe(false);
  });

  it('out/README.md says the fingerprints are keyed with pki/fingerprint.key, not a CA key', async () => {
    const { outDir } = await builtCopy();
    const readme = readFileSync(join(outDir, 'README.md'), 'utf8');
    expect(readme).toContain('records an HMAC of both, keyed with `pki/fingerprint.key` (made once; no CA key is at hand)');
    expect(readme).not.toContain("keyed with the cluster's CA key");
  });

  it('three builds in a row change no byte of out/ and keep the key file as it is', async () => {
    const { dir, meshFile, outDir } = await builtCopy();
    const first = readTree(outDir);
    const key = readFileSync(join(dir, KEY_FILE));
    expect(encryptedFiles(outDir).size).toBe(2);
    for (let i = 0; i < 2; i++) {
      const result = await build({ meshFile, outDir });
      expect(result.ok).toBe(true);
      expect(result.diff!.changes.filter((c) => c.kind !== 'unchanged')).toEqual([]);
      expect(result.encryptedSecrets!.map((s) => s.outcome)).toEqual(['kept', 'kept']);
      expect(result.pki?.created).toEqual([]);
    }
    expect(readTree(outDir)).toEqual(first);
    expect(readFileSync(join(dir, KEY_FILE))).toEqual(key);
  });

  it('a changed token re-encrypts exactly the one remote secret built from it', async () => {
    const { dir, meshFile, outDir } = await builtCopy();
    const before = readTree(outDir);
    writeFileSync(join(dir, 'credentials/cluster2.token'), 'a-new-token-for-cluster2\n');
    const result = await build({ meshFile, outDir });
    expect(result.ok).toBe(true);
    const after = readTree(outDir);
    const changed = [...after.keys()].filter((p) => !before.get(p)?.equals(after.get(p)!));
    expect(changed).toEqual(['cluster1/secrets/istio-remote-secret-cluster2.yaml']);
  });

  it('a deleted key file is made anew, once: that build re-encrypts the remote secrets, the next keeps them', async () => {
    const { dir, meshFile, outDir } = await builtCopy();
    const old = readFileSync(join(dir, KEY_FILE), 'utf8');
    rmSync(join(dir, KEY_FILE));
    const again = await build({ meshFile, outDir });
    expect(again.ok).toBe(true);
    expect(again.pki?.created).toEqual(['fingerprint.key']);
    expect(again.encryptedSecrets!.map((s) => s.outcome)).toEqual(['encrypted', 'encrypted']);
    expect(readFileSync(join(dir, KEY_FILE), 'utf8')).not.toBe(old);
    const next = await build({ meshFile, outDir });
    expect(next.encryptedSecrets!.map((s) => s.outcome)).toEqual(['kept', 'kept']);
    expect(next.pki?.created).toEqual([]);
  });

  it('build --check neither needs nor makes the key file', async () => {
    const { dir, meshFile, outDir } = await builtCopy();
    rmSync(join(dir, 'pki'), { recursive: true });
    const result = await build({ meshFile, outDir, check: true });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(existsSync(join(dir, 'pki'))).toBe(false);
  });

  it.each([
    ['a short key', 'c2hvcnQ=\n', { line: 1, col: 1 }],
    ['a character that is not base64', 'AAAAAAAAAAAAAAAAAAAA*AAAAAAAAAAAAAAAAAAAAAA=\n', { line: 1, col: 21 }],
    ['a second line', `${Buffer.alloc(32, 7).toString('base64')}\nmore\n`, { line: 2, col: 1 }],
    ['an empty file', '', { line: 1, col: 1 }],
  ])('a key file with %s is MG3160 at its position, and nothing is written', async (_what, content, position) => {
    const { dir, meshFile, outDir } = await builtCopy();
    writeFileSync(join(dir, KEY_FILE), content, { mode: 0o600 });
    writeFileSync(join(dir, 'credentials/cluster2.token'), 'a-new-token-for-cluster2\n');
    const before = readTree(outDir);
    const result = await build({ meshFile, outDir });
    expect(result.ok).toBe(false);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.file, d.position?.line, d.position?.col])).toEqual([['MG3160', join(dir, KEY_FILE), position.line, position.col]]);
    expect(errors[0].hint).toContain('remove');
    expect(readTree(outDir)).toEqual(before);
    expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toBe(content);
  });
});
