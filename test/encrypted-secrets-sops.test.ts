import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createDecipheriv, createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { build } from '../src/pipeline.js';
import { main } from '../src/cli.js';
import { exampleCopy, readTree, tempDir } from './helpers/fixtures.js';

// secrets.mode sops (examples/sops-flux): the files meshgen encrypts are checked by a decryptor
// written here from the SOPS format as getsops/sops v3.13 implements it (aes/cipher.go: AES-256-GCM,
// `ENC[AES256_GCM,data:,iv:,tag:,type:]`, additional data = key path joined by ":" plus ":";
// sops.go: MAC = SHA-512 over every leaf value in document order, upper-case hex, encrypted with
// `lastmodified` as additional data), never by meshgen's own code; the data key is opened by
// Debian's `age` tool (Go, filippo.io/age) where it is installed. The real `sops` binary checks
// the same files in the ecosystem tier (test/ecosystem/sops.test.ts).

const EXAMPLE = 'sops-flux';
/** the example's age recipients (public keys of age/cluster1.agekey and age/cluster2.agekey) */
const CLUSTER1 = 'age1a4n2ul5jgtlau5vh3ddu4qzcg452t6443uc2chfz8wnkf0lkv9gqzsx9dw';
const CLUSTER2 = 'age1sxgndsn9vx0tn3kylptvqmmjh2wcwgg7smxufekxar3um0v6wf3s2rhctr';
const hasAge = spawnSync('age', ['--version'], { encoding: 'utf8' }).status === 0;
const ageSkip = hasAge ? '' : ' (skipped: the age tool is not installed; apt-get install age)';

let built: Promise<string> | undefined;

/**
 * A copy of the example, built into out/: the example is built once per file, and each test
 * gets its own copy of that directory (a copy keeps the files' bytes, so it is a rebuild).
 */
async function builtCopy(): Promise<{ dir: string; meshFile: string; outDir: string }> {
  built ??= (async () => {
    const meshFile = exampleCopy(EXAMPLE);
    const result = await build({ meshFile, outDir: join(dirname(meshFile), 'out') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    return dirname(meshFile);
  })();
  const source = await built;
  const dir = tempDir();
  cpSync(source, dir, { recursive: true });
  return { dir, meshFile: join(dir, 'mesh.yaml'), outDir: join(dir, 'out') };
}

const ENC = /^ENC\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(.+)\]$/;

/** One `ENC[...]` value opened with the data key, as sops' aes.Cipher.Decrypt does. */
function decryptValue(value: string, key: Buffer, additionalData: string): string {
  const m = ENC.exec(value);
  if (!m) throw new Error(`not a SOPS value: ${value.slice(0, 40)}`);
  const iv = Buffer.from(m[2], 'base64');
  expect(iv).toHaveLength(32);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(additionalData, 'utf8'));
  decipher.setAuthTag(Buffer.from(m[3], 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(m[1], 'base64')), decipher.final()]).toString('utf8');
}

/** The 32-byte data key from the file's age stanza for `identityFile`'s recipient, opened by the age CLI. */
function dataKeyWithAgeCli(fileText: string, identityFile: string): Buffer {
  const doc = parseDocument(fileText).toJS();
  const recipient = /# public key: (age1\w+)/.exec(readFileSync(identityFile, 'utf8'))![1];
  const stanza = doc.sops.age.find((a: any) => a.recipient === recipient);
  if (!stanza) throw new Error(`no stanza for ${recipient}`);
  const armored = join(tempDir(), 'key.age');
  writeFileSync(armored, stanza.enc);
  const run = spawnSync('age', ['--decrypt', '--identity', identityFile, armored]);
  if (run.status !== 0) throw new Error(`age --decrypt failed: ${run.stderr.toString()}`);
  return run.stdout;
}

/** Every leaf of the document but the sops block, in file order, with its key path (list items add no index). */
function leaves(fileText: string): { path: string[]; value: string }[] {
  const found: { path: string[]; value: string }[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (isMap(node)) for (const pair of node.items) walk(pair.value, [...path, String((pair.key as any).value)]);
    else if (isSeq(node)) for (const item of node.items) walk(item, path);
    else if (isScalar(node)) found.push({ path, value: String(node.value) });
  };
  const doc = parseDocument(fileText);
  for (const pair of (doc.contents as any).items) if ((pair.key as any).value !== 'sops') walk(pair.value, [String((pair.key as any).value)]);
  return found;
}

function decryptFile(fileText: string, key: Buffer): { plain: Map<string, string>; mac: string; computedMac: string } {
  const plain = new Map<string, string>();
  const hash = createHash('sha512');
  for (const leaf of leaves(fileText)) {
    const encrypted = leaf.path.some((k) => /^(data|stringData)$/.test(k));
    const value = encrypted ? decryptValue(leaf.value, key, leaf.path.join(':') + ':') : leaf.value;
    hash.update(value, 'utf8');
    plain.set(leaf.path.join('.'), value);
  }
  const sops = parseDocument(fileText).toJS().sops;
  return { plain, mac: decryptValue(sops.mac, key, sops.lastmodified), computedMac: hash.digest('hex').toUpperCase() };
}

const base64 = (path: string) => readFileSync(path).toString('base64');

describe('secrets.mode sops: the files meshgen encrypts', () => {
  it.runIf(process.env.CI === 'true')('the age tool is installed (CI never skips the age round trips: .ci/run installs it)', () => {
    expect(hasAge).toBe(true);
  });

  it.skipIf(!hasAge)(`cacerts opens with the cluster's age identity (age CLI) and holds the cluster's CA files${ageSkip}`, async () => {
    const { dir, outDir } = await builtCopy();
    const text = readFileSync(join(outDir, 'cluster1/secrets/cacerts.yaml'), 'utf8');
    const { plain, mac, computedMac } = decryptFile(text, dataKeyWithAgeCli(text, join(dir, 'age/cluster1.agekey')));
    for (const file of ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem']) expect(plain.get(`data.${file}`), file).toBe(base64(join(dir, 'pki/cluster1', file)));
    expect(mac).toBe(computedMac);
    expect(plain.get('metadata.name')).toBe('cacerts');
  });

  it.skipIf(!hasAge)(`a remote secret opens with the break-glass identity and holds the read cluster's token${ageSkip}`, async () => {
    const { dir, outDir } = await builtCopy();
    const text = readFileSync(join(outDir, 'cluster1/secrets/istio-remote-secret-cluster2.yaml'), 'utf8');
    const { plain, mac, computedMac } = decryptFile(text, dataKeyWithAgeCli(text, join(dir, 'age/break-glass.agekey')));
    const kubeconfig = plain.get('stringData.cluster2')!;
    expect(kubeconfig).toContain(`token: ${readFileSync(join(dir, 'credentials/cluster2.token'), 'utf8').trim()}`);
    expect(kubeconfig).toContain('server: https://198.51.100.2:6443');
    expect(mac).toBe(computedMac);
  });

  it.skipIf(!hasAge)(`the data key does not open with an identity that is not a recipient (cluster2's key, cluster1's cacerts)${ageSkip}`, async () => {
    const { dir, outDir } = await builtCopy();
    const text = readFileSync(join(outDir, 'cluster1/secrets/cacerts.yaml'), 'utf8');
    expect(() => dataKeyWithAgeCli(text, join(dir, 'age/cluster2.agekey'))).toThrow(/no stanza/);
    // the stanza of another recipient, given to cluster2's identity, is refused by age itself
    const doc = parseDocument(text).toJS();
    const armored = join(tempDir(), 'key.age');
    writeFileSync(armored, doc.sops.age[0].enc);
    expect(spawnSync('age', ['--decrypt', '--identity', join(dir, 'age/cluster2.agekey'), armored]).status).not.toBe(0);
  });

  it.skipIf(!hasAge)(`the MAC covers the plain fields too: a changed name no longer matches it${ageSkip}`, async () => {
    const { dir, outDir } = await builtCopy();
    const text = readFileSync(join(outDir, 'cluster2/secrets/cacerts.yaml'), 'utf8');
    const key = dataKeyWithAgeCli(text, join(dir, 'age/cluster2.agekey'));
    const tampered = text.replace('  name: cacerts\n', '  name: cacerts2\n');
    expect(tampered).not.toBe(text);
    const { mac, computedMac } = decryptFile(tampered, key);
    expect(mac).not.toBe(computedMac);
  });

  it('each value is bound to its key path: moved to another key it does not decrypt', async () => {
    const { outDir } = await builtCopy();
    const text = readFileSync(join(outDir, 'cluster1/secrets/cacerts.yaml'), 'utf8');
    const doc = parseDocument(text).toJS();
    expect(doc.sops.encrypted_regex).toBe('^(data|stringData)$');
    expect(doc.sops.version).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.sops.lastmodified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(doc.sops.age.map((a: any) => Object.keys(a))).toEqual([
      ['enc', 'recipient'],
      ['enc', 'recipient'],
    ]);
    for (const value of Object.values(doc.data)) expect(value).toMatch(ENC);
    // the readable parts stay readable (Flux needs apiVersion, kind, metadata)
    expect(doc.apiVersion).toBe('v1');
    expect(doc.metadata.namespace).toBe('istio-system');
  });
});

/** Every encrypted file of the example's out/: path → bytes. */
function encryptedFiles(outDir: string): Map<string, Buffer> {
  return new Map([...readTree(outDir)].filter(([path]) => /^[^/]+\/secrets\//.test(path)));
}

describe('secrets.mode sops: determinism', () => {
  it('three builds in a row change no encrypted byte', async () => {
    const { meshFile, outDir } = await builtCopy();
    const first = encryptedFiles(outDir);
    expect(first.size).toBe(4);
    for (let i = 0; i < 2; i++) {
      const result = await build({ meshFile, outDir });
      expect(result.ok).toBe(true);
      expect(result.diff!.changes.filter((c) => c.kind !== 'unchanged')).toEqual([]);
      expect(result.encryptedSecrets!.map((s) => s.outcome)).toEqual(['kept', 'kept', 'kept', 'kept']);
    }
    expect(encryptedFiles(outDir)).toEqual(first);
  });

  it('a changed token re-encrypts exactly the one remote secret built from it', async () => {
    const { dir, meshFile, outDir } = await builtCopy();
    const before = readTree(outDir);
    writeFileSync(join(dir, 'credentials/cluster2.token'), 'a-new-token-for-cluster2\n');
    const result = await build({ meshFile, outDir });
    expect(result.ok).toBe(true);
    const after = readTree(outDir);
    const changed = [...after.keys()].filter((p) => !before.get(p)?.equals(after.get(p)!));
    expect(changed.sort()).toEqual(['cluster1/secrets/istio-remote-secret-cluster2.yaml']);
  });

  it('a recipient added to one cluster re-encrypts only that cluster\'s files', async () => {
    const { meshFile, outDir } = await builtCopy();
    const before = readTree(outDir);
    const text = readFileSync(meshFile, 'utf8');
    // the cluster1 identity becomes a recipient of cluster2's files as well
    writeFileSync(meshFile, text.replace(`age: [${CLUSTER2}]`, `age: [${CLUSTER2}, ${CLUSTER1}]`));
    const result = await build({ meshFile, outDir });
    expect(result.ok).toBe(true);
    const after = readTree(outDir);
    const changed = [...after.keys()].filter((p) => !before.get(p)?.equals(after.get(p)!) && /\/secrets\//.test(p));
    expect(changed.sort()).toEqual(['cluster2/secrets/cacerts.yaml', 'cluster2/secrets/istio-remote-secret-cluster1.yaml']);
  });
});

describe('secrets.mode sops: --check without keys, tokens or age identities', () => {
  /** The built copy as CI sees it: no CA key, no token, no age identity. */
  async function ciCheckout(): Promise<{ meshFile: string; outDir: string }> {
    const { dir, meshFile, outDir } = await builtCopy();
    for (const key of ['pki/root-key.pem', 'pki/cluster1/ca-key.pem', 'pki/cluster2/ca-key.pem', 'credentials/cluster1.token', 'credentials/cluster2.token']) unlinkSync(join(dir, key));
    rmSync(join(dir, 'age'), { recursive: true });
    return { meshFile, outDir };
  }

  it('passes on an up-to-date tree', async () => {
    const { meshFile, outDir } = await ciCheckout();
    const result = await build({ meshFile, outDir, check: true });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.diff!.uncompared.sort()).toEqual(['cluster1/secrets/cacerts.yaml', 'cluster1/secrets/istio-remote-secret-cluster2.yaml', 'cluster2/secrets/cacerts.yaml', 'cluster2/secrets/istio-remote-secret-cluster1.yaml']);
  });

  it('fails when an encrypted file is missing', async () => {
    const { meshFile, outDir } = await ciCheckout();
    unlinkSync(join(outDir, 'cluster2/secrets/cacerts.yaml'));
    const result = await build({ meshFile, outDir, check: true });
    expect(result.ok).toBe(false);
    expect(result.diff!.changes.filter((c) => c.kind !== 'unchanged')).toEqual([{ path: 'cluster2/secrets/cacerts.yaml', kind: 'added', private: false }]);
  });

  it('fails when encrypted files are no longer produced', async () => {
    const { meshFile, outDir } = await ciCheckout();
    writeFileSync(meshFile, readFileSync(meshFile, 'utf8').replace('    mode: sops\n', '    mode: omit\n'));
    const result = await build({ meshFile, outDir, check: true });
    expect(result.ok).toBe(false);
    const removed = result.diff!.changes.filter((c) => c.kind === 'removed').map((c) => c.path);
    expect(removed.filter((p) => p.includes('/secrets/')).sort()).toEqual(['cluster1/secrets/cacerts.yaml', 'cluster1/secrets/istio-remote-secret-cluster2.yaml', 'cluster2/secrets/cacerts.yaml', 'cluster2/secrets/istio-remote-secret-cluster1.yaml']);
  });
});

describe('secrets.mode sops: the GitOps repository', () => {
  it('commits the encrypted files: .gitignore leaves secrets/ in, a Flux Kustomization of their own applies and decrypts them', async () => {
    const { outDir } = await builtCopy();
    const tree = readTree(outDir);
    expect(tree.get('.gitignore')!.toString()).not.toMatch(/^\/\*\/secrets\/$/m);
    // kubectl apply -k cannot decrypt: the cluster's kustomization.yaml leaves them out
    const kustomization = parseDocument(tree.get('cluster1/kustomization.yaml')!.toString()).toJS();
    expect(kustomization.resources.filter((r: string) => r.startsWith('secrets/'))).toEqual([]);
    const flux = parseDocument(tree.get('flux/cluster1/kustomize.toolkit.fluxcd.io_Kustomization_flux-system_istio-secrets.yaml')!.toString()).toJS();
    expect(flux.spec.path).toBe('./out/cluster1/secrets');
    expect(flux.spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'sops-age' } });
    const manifests = parseDocument(tree.get('flux/cluster1/kustomize.toolkit.fluxcd.io_Kustomization_flux-system_istio-manifests.yaml')!.toString()).toJS();
    expect(manifests.spec.decryption).toBeUndefined();
    expect(tree.get('README.md')!.toString()).toContain('create secret generic sops-age --from-file=identity.agekey=');
  });

  it('the summary says, per cluster, what private material was written and how', async () => {
    const { dir, meshFile, outDir } = await builtCopy();
    writeFileSync(join(dir, 'credentials/cluster1.token'), 'a-new-token-for-cluster1\n');
    const out: string[] = [];
    const code = await main(['build', meshFile, '--out', outDir], (s) => out.push(s), (s) => out.push(s));
    expect(code).toBe(0);
    expect(out.filter((l) => l.includes('private material')).map((l) => l.replace(/^.*\/out\//, ''))).toEqual([
      'cluster1 private material: cacerts (SOPS, kept), istio-remote-secret-cluster2 (SOPS, kept)',
      'cluster2 private material: cacerts (SOPS, kept), istio-remote-secret-cluster1 (SOPS, encrypted anew)',
    ]);
  });
});
