import { describe, expect, it } from 'vitest';
import { constants, createDecipheriv, createPrivateKey, privateDecrypt, type KeyObject } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import forge from 'node-forge';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { build } from '../src/pipeline.js';
import { exampleCopy, readTree, REPO, tempDir } from './helpers/fixtures.js';
import { crdObjectSchema, loadCrds, UPSTREAM } from './helpers/gitops-crds.js';

// secrets.mode sealed-secrets (examples/sealed-secrets-argocd): every SealedSecret meshgen seals
// is opened here by an unsealer written from bitnami-labs/sealed-secrets v0.36.6
// (pkg/crypto/crypto.go HybridDecrypt: 2-byte big-endian length of the RSA part, RSA-OAEP
// SHA-256 with the scope label, then AES-256-GCM with a zero 12-byte nonce; strict scope label
// "<namespace>/<name>"), with the example's committed TEST-ONLY controller keys, never with
// meshgen's sealing code; and checked against the real SealedSecret CRD.

const EXAMPLE = 'sealed-secrets-argocd';
const SEALED_CACERTS = 'cluster1/manifests/bitnami.com_SealedSecret_istio-system_cacerts.yaml';
const SEALED_REMOTE = 'cluster1/manifests/bitnami.com_SealedSecret_istio-system_istio-remote-secret-cluster2.yaml';

let built: Promise<string> | undefined;

/** A copy of the example built into out/ (built once per file, copied for each test). */
async function builtCopy(): Promise<{ dir: string; meshFile: string; outDir: string }> {
  built ??= (async () => {
    const meshFile = exampleCopy(EXAMPLE);
    const result = await build({ meshFile, outDir: join(dirname(meshFile), 'out') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return dirname(meshFile);
  })();
  const dir = tempDir();
  cpSync(await built, dir, { recursive: true });
  return { dir, meshFile: join(dir, 'mesh.yaml'), outDir: join(dir, 'out') };
}

/** HybridDecrypt, as the controller runs it. */
function unseal(controllerKey: KeyObject, sealedBase64: string, label: string): Buffer {
  const sealed = Buffer.from(sealedBase64, 'base64');
  const rsaLength = sealed.readUInt16BE(0);
  const rsa = sealed.subarray(2, 2 + rsaLength);
  const sessionKey = privateDecrypt({ key: controllerKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: Buffer.from(label, 'utf8') }, rsa);
  const rest = sealed.subarray(2 + rsaLength);
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(rest.subarray(rest.length - 16));
  return Buffer.concat([decipher.update(rest.subarray(0, rest.length - 16)), decipher.final()]);
}

const controllerKey = (dir: string, cluster: string) => createPrivateKey(readFileSync(join(dir, `sealed/${cluster}-controller-key.pem`), 'utf8'));

describe('secrets.mode sealed-secrets: the SealedSecrets meshgen seals', () => {
  it("cacerts unseals with the cluster's controller key to the cluster's CA files", async () => {
    const { dir, outDir } = await builtCopy();
    const sealed = parse(readFileSync(join(outDir, SEALED_CACERTS), 'utf8'));
    const key = controllerKey(dir, 'cluster1');
    for (const file of ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem']) {
      expect(unseal(key, sealed.spec.encryptedData[file], 'istio-system/cacerts').toString('utf8'), file).toBe(readFileSync(join(dir, 'pki/cluster1', file), 'utf8'));
    }
    expect(sealed.spec.template).toEqual({ metadata: { name: 'cacerts', namespace: 'istio-system' }, type: 'Opaque' });
  });

  it("a remote secret unseals to the read cluster's kubeconfig, with the remote secret's labels and annotation in its template", async () => {
    const { dir, outDir } = await builtCopy();
    const sealed = parse(readFileSync(join(outDir, SEALED_REMOTE), 'utf8'));
    const kubeconfig = unseal(controllerKey(dir, 'cluster1'), sealed.spec.encryptedData.cluster2, 'istio-system/istio-remote-secret-cluster2').toString('utf8');
    expect(kubeconfig).toContain(`token: ${readFileSync(join(dir, 'credentials/cluster2.token'), 'utf8').trim()}`);
    expect(sealed.spec.template.metadata.labels).toEqual({ 'istio/multiCluster': 'true' });
    expect(sealed.spec.template.metadata.annotations).toEqual({ 'networking.istio.io/cluster': 'cluster2' });
  });

  it('the scope is strict: under another name, or with another cluster\'s key, nothing unseals', async () => {
    const { dir, outDir } = await builtCopy();
    const sealed = parse(readFileSync(join(outDir, SEALED_CACERTS), 'utf8'));
    const value = sealed.spec.encryptedData['ca-key.pem'];
    expect(() => unseal(controllerKey(dir, 'cluster1'), value, 'istio-system/cacerts2')).toThrow();
    expect(() => unseal(controllerKey(dir, 'cluster1'), value, 'istio-system')).toThrow();
    expect(() => unseal(controllerKey(dir, 'cluster2'), value, 'istio-system/cacerts')).toThrow();
    expect(Object.keys(sealed.metadata.annotations ?? {}).filter((a) => a.startsWith('sealedsecrets.bitnami.com/'))).toEqual([]);
  });

  const crdDir = 'sealed-secrets-0.36.6';
  const crdAvailable = existsSync(join(UPSTREAM, crdDir));
  it.skipIf(!crdAvailable)(`every SealedSecret validates against the real CRD${crdAvailable ? '' : ' (skipped: ../shared/upstream is absent)'}`, async () => {
    const { outDir } = await builtCopy();
    const [crd] = loadCrds([crdDir]).filter((c) => c.kind === 'SealedSecret' && c.served);
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(crdObjectSchema(crd));
    const sealed = [...readTree(outDir)].filter(([p]) => p.includes('bitnami.com_SealedSecret_'));
    expect(sealed).toHaveLength(4);
    for (const [path, bytes] of sealed) expect(validate(parse(bytes.toString())) ? [] : validate.errors, path).toEqual([]);
    // negative control: the validator refuses a SealedSecret without encryptedData
    const broken = parse(sealed[0][1].toString());
    delete broken.spec.encryptedData;
    expect(validate(broken)).toBe(false);
  });
});

describe('secrets.mode sealed-secrets: GitOps', () => {
  it('Argo CD syncs the SealedSecrets in a wave after the Namespace and before istiod, and the manifests Application leaves them out', async () => {
    const { outDir } = await builtCopy();
    const app = (part: string) => parse(readFileSync(join(outDir, `argocd/cluster1/argoproj.io_Application_argocd_sealed-cluster1-${part}.yaml`), 'utf8'));
    const wave = (part: string) => Number(app(part).metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('namespace')).toBeLessThan(wave('sealed-secrets'));
    expect(wave('sealed-secrets')).toBeLessThan(wave('istiod'));
    expect(app('sealed-secrets').spec.source.directory).toEqual({ include: 'bitnami.com_SealedSecret_*.yaml' });
    expect(app('manifests').spec.source.directory).toEqual({ exclude: '{core_Namespace__istio-system.yaml,bitnami.com_SealedSecret_*.yaml}' });
    const kustomization = parse(readFileSync(join(outDir, 'cluster1/kustomization.yaml'), 'utf8'));
    expect(kustomization.resources).toEqual(expect.arrayContaining([SEALED_CACERTS.slice('cluster1/'.length), SEALED_REMOTE.slice('cluster1/'.length)]));
  });

  it('a rebuild keeps every SealedSecret byte for byte; a changed token re-seals exactly one', async () => {
    const { dir, meshFile, outDir } = await builtCopy();
    const before = readTree(outDir);
    expect((await build({ meshFile, outDir })).diff!.changes.filter((c) => c.kind !== 'unchanged')).toEqual([]);
    writeFileSync(join(dir, 'credentials/cluster1.token'), 'a-new-token-for-cluster1\n');
    expect((await build({ meshFile, outDir })).ok).toBe(true);
    const after = readTree(outDir);
    expect([...after.keys()].filter((p) => !before.get(p)?.equals(after.get(p)!))).toEqual(['cluster2/manifests/bitnami.com_SealedSecret_istio-system_istio-remote-secret-cluster1.yaml']);
  });
});

describe('secrets.mode sealed-secrets: the controller certificate', () => {
  /** The build's errors, positioned in mesh.yaml, with cluster1's certFile replaced by `pem`. */
  async function errorsWithCert(pem: string): Promise<string[]> {
    const meshFile = exampleCopy(EXAMPLE);
    writeFileSync(join(dirname(meshFile), 'sealed/cluster1.pem'), pem);
    const result = await build({ meshFile, outDir: join(dirname(meshFile), 'out') });
    expect(existsSync(join(dirname(meshFile), 'out'))).toBe(false);
    return result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.position?.line}:${d.position?.col}`);
  }
  const certFileAt = '34:21'; // clusters[0].secrets.sealedSecrets.certFile in the example

  it('an expired certificate is refused (MG3103), as kubeseal refuses it', async () => {
    // the example's own controller key, in a certificate that expired a year ago
    const key = forge.pki.privateKeyFromPem(readFileSync(join(REPO, 'examples', EXAMPLE, 'sealed/cluster1-controller-key.pem'), 'utf8')) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 2 * 365 * 86400_000);
    cert.validity.notAfter = new Date(Date.now() - 365 * 86400_000);
    cert.setSubject([{ name: 'commonName', value: 'sealed-secret' }]);
    cert.setIssuer([{ name: 'commonName', value: 'sealed-secret' }]);
    cert.sign(key, forge.md.sha256.create());
    expect(await errorsWithCert(forge.pki.certificateToPem(cert))).toEqual([`MG3103 ${certFileAt}`]);
  });

  it('a certificate whose key is not RSA is refused (MG3102)', async () => {
    expect(await errorsWithCert(readFileSync(join(REPO, 'test/fixtures/sealed/ecdsa-cert.pem'), 'utf8'))).toEqual([`MG3102 ${certFileAt}`]);
  });

  it('a file without a certificate is refused (MG3101)', async () => {
    expect(await errorsWithCert('not a certificate\n')).toEqual([`MG3101 ${certFileAt}`]);
  });
});
