import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPki, type PkiPlan } from '../../src/pki/index.js';
import { cacertsSecret } from '../../src/render/secrets/cacerts-secret.js';
import { build, check, copyMeshDir, makeTempDir, openssl, pkiFile, pkiModel, readPki, readTree, removeTempDirs, writePki, expectOnlyNewClusterWritten, diskHost, commitPki } from './helpers.js';
import { buildModel } from '../../src/model/mesh-model.js';
import type { MeshDocument } from '../../src/rules/mesh-spec.js';
import { KEY_TYPES } from '../../src/pki/profile.js';

// A new pki directory, made once for the file with spec.pki.keyType ecdsa-p256 (pkiModel's
// default: tests make no RSA-4096 keys), then copied. The RSA-4096 default is checked on the
// committed test CA that meshgen made with it (test/fixtures/pki).

const DAY_MS = 24 * 60 * 60 * 1000;
// a day ago, with milliseconds, so that later checks run at the real time within the validity window
const now = new Date(Date.now() - DAY_MS);
const nowInSeconds = Math.floor(now.getTime() / 1000) * 1000;
let fixtureDir: string;
let fixturePlan: PkiPlan;

beforeAll(async () => {
  fixtureDir = makeTempDir();
  fixturePlan = await build(fixtureDir, pkiModel(['east', 'west']), now);
}, 30_000);
afterAll(removeTempDirs);

function certificate(file: string): X509Certificate {
  return new X509Certificate(readPki(fixtureDir, file));
}

/** One X509v3 extension as `openssl x509 -ext` prints it: the header line (with "critical") and the value. */
function extension(file: string, name: string): string {
  return openssl(['x509', '-in', pkiFile(fixtureDir, file), '-noout', '-ext', name], fixtureDir).trim().replace(/\s*\n\s*/g, ' | ');
}

function opensslText(file: string): string {
  return openssl(['x509', '-in', pkiFile(fixtureDir, file), '-noout', '-text'], fixtureDir);
}

function subjectKeyIdentifier(file: string): string {
  return extension(file, 'subjectKeyIdentifier').split(' | ')[1];
}

describe('a first build', () => {
  it('plans the Makefile layout: root key and certificate, and four files per cluster', () => {
    const planned = fixturePlan.writes.map((w) => [path.relative(fixtureDir, w.path), w.mode.toString(8)]);
    expect(planned).toEqual([
      ['pki/root-key.pem', '600'],
      ['pki/root-cert.pem', '644'],
      ['pki/east/ca-key.pem', '600'],
      ['pki/east/ca-cert.pem', '644'],
      ['pki/east/cert-chain.pem', '644'],
      ['pki/east/root-cert.pem', '644'],
      ['pki/west/ca-key.pem', '600'],
      ['pki/west/ca-cert.pem', '644'],
      ['pki/west/cert-chain.pem', '644'],
      ['pki/west/root-cert.pem', '644'],
    ]);
    expect(fixturePlan.diagnostics).toEqual([]);
  });

  it('writes key files with mode 0600 and certificates with mode 0644, whatever the umask', async () => {
    const meshDir = makeTempDir();
    const plan = await planPki({ host: diskHost(), model: pkiModel([]), meshDir, pkiDirDisplay: 'pki', allowGenerate: true });
    const previous = process.umask(0o000);
    try {
      expect(commitPki(diskHost(), meshDir, plan.writes).diagnostics).toEqual([]);
    } finally {
      process.umask(previous);
    }
    expect(fs.statSync(pkiFile(meshDir, 'root-key.pem')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(pkiFile(meshDir, 'root-cert.pem')).mode & 0o777).toBe(0o644);
    for (const cluster of ['east', 'west']) {
      expect(fs.statSync(pkiFile(fixtureDir, `${cluster}/ca-key.pem`)).mode & 0o777).toBe(0o600);
      expect(fs.statSync(pkiFile(fixtureDir, `${cluster}/ca-cert.pem`)).mode & 0o777).toBe(0o644);
    }
  });

  it('creates pki/ relative to the mesh file directory, as spec.pki.dir says', async () => {
    const meshDir = makeTempDir();
    const plan = await planPki({ host: diskHost(), model: pkiModel([], { dir: 'state/ca' }), meshDir, pkiDirDisplay: 'state/ca', allowGenerate: true });
    expect(plan.writes.map((w) => w.path)).toEqual([path.join(meshDir, 'state/ca/root-key.pem'), path.join(meshDir, 'state/ca/root-cert.pem')]);
  });

  it('root certificate: ECDSA P-256 as spec.pki.keyType says, ecdsa-with-SHA256, O/CN from the model, self-signed', () => {
    const root = certificate('root-cert.pem');
    expect(root.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(opensslText('root-cert.pem')).toContain('Signature Algorithm: ecdsa-with-SHA256');
    expect(root.subject).toBe('O=Istio\nCN=Root CA');
    expect(root.issuer).toBe(root.subject);
    expect(root.verify(root.publicKey)).toBe(true);
  });

  it('root certificate: valid from now for validityDays', () => {
    const root = certificate('root-cert.pem');
    expect(new Date(root.validFrom).getTime()).toBe(nowInSeconds);
    expect(new Date(root.validTo).getTime()).toBe(nowInSeconds + 3650 * DAY_MS);
  });

  it('root certificate: critical CA:TRUE without pathlen, critical keyUsage, subject key identifier, no AKI or SAN', () => {
    expect(extension('root-cert.pem', 'basicConstraints')).toBe('X509v3 Basic Constraints: critical | CA:TRUE');
    expect(extension('root-cert.pem', 'keyUsage')).toBe(
      'X509v3 Key Usage: critical | Digital Signature, Non Repudiation, Key Encipherment, Certificate Sign',
    );
    expect(subjectKeyIdentifier('root-cert.pem')).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(extension('root-cert.pem', 'authorityKeyIdentifier')).toBe('');
    expect(extension('root-cert.pem', 'subjectAltName')).toBe('');
  });

  it('subject key identifiers are the SHA-1 of the public key bits, like OpenSSL "hash"', () => {
    for (const file of ['root-cert.pem', 'east/ca-cert.pem']) {
      // for P-256, the subjectPublicKey BIT STRING holds the uncompressed point: the last 65 bytes of the SPKI
      const publicKeyBits = certificate(file).publicKey.export({ type: 'spki', format: 'der' }).subarray(-65);
      const expected = createHash('sha1').update(publicKeyBits).digest('hex').toUpperCase().match(/../g)!.join(':');
      expect(subjectKeyIdentifier(file)).toBe(expected);
    }
  });

  it('intermediate certificate: ECDSA P-256, ecdsa-with-SHA256, O/CN from the model and L = cluster name', () => {
    for (const cluster of ['east', 'west']) {
      const ca = certificate(`${cluster}/ca-cert.pem`);
      expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(opensslText(`${cluster}/ca-cert.pem`)).toContain('Signature Algorithm: ecdsa-with-SHA256');
      expect(ca.subject).toBe(`O=Istio\nCN=Intermediate CA\nL=${cluster}`);
      expect(ca.issuer).toBe('O=Istio\nCN=Root CA');
    }
  });

  it('intermediate certificate: valid from now for the intermediate validityDays', () => {
    const ca = certificate('east/ca-cert.pem');
    expect(new Date(ca.validFrom).getTime()).toBe(nowInSeconds);
    expect(new Date(ca.validTo).getTime() - new Date(ca.validFrom).getTime()).toBe(730 * DAY_MS);
  });

  it('intermediate certificate: critical CA:TRUE with pathlen:0, critical keyUsage, SKI, AKI = root SKI, SAN istiod.istio-system.svc', () => {
    expect(extension('east/ca-cert.pem', 'basicConstraints')).toBe('X509v3 Basic Constraints: critical | CA:TRUE, pathlen:0');
    expect(extension('east/ca-cert.pem', 'keyUsage')).toBe(
      'X509v3 Key Usage: critical | Digital Signature, Non Repudiation, Key Encipherment, Certificate Sign',
    );
    expect(subjectKeyIdentifier('east/ca-cert.pem')).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(subjectKeyIdentifier('east/ca-cert.pem')).not.toBe(subjectKeyIdentifier('root-cert.pem'));
    expect(extension('east/ca-cert.pem', 'authorityKeyIdentifier')).toBe(
      `X509v3 Authority Key Identifier: | ${subjectKeyIdentifier('root-cert.pem')}`,
    );
    expect(extension('east/ca-cert.pem', 'subjectAltName')).toBe('X509v3 Subject Alternative Name: | DNS:istiod.istio-system.svc');
  });

  it('serial numbers are 16 random bytes with the high bit clear', () => {
    const serials = ['root-cert.pem', 'east/ca-cert.pem', 'west/ca-cert.pem'].map((f) => certificate(f).serialNumber);
    for (const serial of serials) {
      expect(serial).toMatch(/^[0-7][0-9A-F]{31}$/);
      expect(serial.slice(0, 2)).not.toBe('00');
    }
    expect(new Set(serials).size).toBe(3);
  });

  it('intermediates chain to the root (checkIssued and verify), and openssl verify agrees', () => {
    const root = certificate('root-cert.pem');
    for (const cluster of ['east', 'west']) {
      const ca = certificate(`${cluster}/ca-cert.pem`);
      expect(ca.checkIssued(root)).toBe(true);
      expect(ca.verify(root.publicKey)).toBe(true);
      expect(ca.checkIssued(ca)).toBe(false);
      expect(openssl(['verify', '-CAfile', pkiFile(fixtureDir, 'root-cert.pem'), pkiFile(fixtureDir, `${cluster}/ca-cert.pem`)], fixtureDir)).toContain(': OK');
    }
  });

  it('the intermediate repeats the root subject byte for byte as its issuer (Go compares raw names)', () => {
    const issuer = openssl(['x509', '-in', pkiFile(fixtureDir, 'east/ca-cert.pem'), '-noout', '-issuer', '-nameopt', 'RFC2253,dump_all,dump_der'], fixtureDir);
    const subject = openssl(['x509', '-in', pkiFile(fixtureDir, 'root-cert.pem'), '-noout', '-subject', '-nameopt', 'RFC2253,dump_all,dump_der'], fixtureDir);
    expect(issuer.replace(/^issuer=/, '')).toBe(subject.replace(/^subject=/, ''));
  });

  it('keys match their certificates and are PKCS#8 "BEGIN PRIVATE KEY", as OpenSSL 3 writes them', () => {
    for (const [key, cert] of [['root-key.pem', 'root-cert.pem'], ['east/ca-key.pem', 'east/ca-cert.pem'], ['west/ca-key.pem', 'west/ca-cert.pem']]) {
      const text = readPki(fixtureDir, key);
      expect(text.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
      expect(certificate(cert).checkPrivateKey(createPrivateKey(text))).toBe(true);
    }
  });

  it('every file is LF-only PEM ending in a newline', () => {
    for (const [file, text] of Object.entries(readTree(path.join(fixtureDir, 'pki')))) {
      expect(text, file).not.toContain('\r');
      expect(text.endsWith('-----\n'), file).toBe(true);
    }
  });

  it('cert-chain.pem is ca-cert.pem followed by root-cert.pem; the cluster root-cert.pem is a copy of the root', () => {
    const root = readPki(fixtureDir, 'root-cert.pem');
    for (const cluster of ['east', 'west']) {
      expect(readPki(fixtureDir, `${cluster}/cert-chain.pem`)).toBe(readPki(fixtureDir, `${cluster}/ca-cert.pem`) + root);
      expect(readPki(fixtureDir, `${cluster}/root-cert.pem`)).toBe(root);
    }
  });

  it('returns the material it wrote, keys included', () => {
    expect(fixturePlan.rootCertPem).toBe(readPki(fixtureDir, 'root-cert.pem'));
    expect([...fixturePlan.material.keys()]).toEqual(['east', 'west']);
    const east = fixturePlan.material.get('east')!;
    expect(east).toEqual({
      cluster: 'east',
      rootCertPem: readPki(fixtureDir, 'east/root-cert.pem'),
      caCertPem: readPki(fixtureDir, 'east/ca-cert.pem'),
      certChainPem: readPki(fixtureDir, 'east/cert-chain.pem'),
      caKeyPem: readPki(fixtureDir, 'east/ca-key.pem'),
    });
  });

  it('committing CA material never replaces an existing file, and writes nothing else', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const before = readPki(meshDir, 'root-key.pem');
    const writes = [
      { path: pkiFile(meshDir, 'zz-new.pem'), content: 'new\n', mode: 0o644 },
      { path: pkiFile(meshDir, 'root-key.pem'), content: 'replacement\n', mode: 0o600 },
    ];
    expect(commitPki(diskHost(), meshDir, writes).diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'MG4006 pki/root-key.pem appeared while this build ran: meshgen never replaces CA material; nothing was written to it',
    ]);
    expect(readPki(meshDir, 'root-key.pem')).toBe(before);
    expect(fs.readdirSync(path.join(meshDir, 'pki')).filter((f) => f.startsWith('.') || f === 'zz-new.pem')).toEqual([]);
  });
});

describe('a later build', () => {
  it('reuses existing material: no writes, no diagnostics, the same bytes', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const before = readTree(meshDir);
    const plan = await check(meshDir, pkiModel(['east', 'west']));
    expect(plan.writes).toEqual([]);
    expect(plan.diagnostics).toEqual([]);
    expect(plan.rootCertPem).toBe(fixturePlan.rootCertPem);
    expect(plan.material).toEqual(fixturePlan.material);
    expect(readTree(meshDir)).toEqual(before);
  });

  it('gives a cluster added to the mesh a new intermediate from the existing root, with the current profile, and touches nothing else', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const before = readTree(meshDir);
    const profile = { organization: 'Example Corp', commonName: 'Mesh Intermediate', validityDays: 365 };
    const plan = await build(meshDir, pkiModel(['central', 'east', 'west'], { intermediate: profile }), now);

    expect(plan.diagnostics).toEqual([]);
    expectOnlyNewClusterWritten(plan, meshDir, before, 'central');

    const root = new X509Certificate(readPki(meshDir, 'root-cert.pem'));
    const central = new X509Certificate(readPki(meshDir, 'central/ca-cert.pem'));
    expect(central.subject).toBe('O=Example Corp\nCN=Mesh Intermediate\nL=central');
    expect(new Date(central.validTo).getTime() - new Date(central.validFrom).getTime()).toBe(365 * DAY_MS);
    expect(central.checkIssued(root) && central.verify(root.publicKey)).toBe(true);
    expect(readPki(meshDir, 'central/cert-chain.pem')).toBe(readPki(meshDir, 'central/ca-cert.pem') + readPki(meshDir, 'root-cert.pem'));
    expect(plan.material.get('east')).toEqual(fixturePlan.material.get('east'));
  });

  it('leaves the directory of a cluster removed from the mesh alone', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const before = readTree(meshDir);
    const plan = await build(meshDir, pkiModel(['east']));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.writes).toEqual([]);
    expect([...plan.material.keys()]).toEqual(['east']);
    expect(readTree(meshDir)).toEqual(before);
  });

  it('restores a missing cert-chain.pem and cluster root-cert.pem from the other files', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.rmSync(pkiFile(meshDir, 'east/cert-chain.pem'));
    fs.rmSync(pkiFile(meshDir, 'east/root-cert.pem'));
    const plan = await build(meshDir, pkiModel(['east', 'west']));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.writes.map((w) => [path.relative(meshDir, w.path), w.mode.toString(8)])).toEqual([
      ['pki/east/cert-chain.pem', '644'],
      ['pki/east/root-cert.pem', '644'],
    ]);
    expect(readTree(meshDir)).toEqual(readTree(fixtureDir));
  });

  it('accepts a checkout holding only public certificates: no diagnostics, no caKeyPem', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    for (const key of ['root-key.pem', 'east/ca-key.pem', 'west/ca-key.pem']) fs.rmSync(pkiFile(meshDir, key));
    const plan = await check(meshDir, pkiModel(['east', 'west']), { allowGenerate: false });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.writes).toEqual([]);
    expect(plan.material.get('east')?.caKeyPem).toBeUndefined();
    expect(plan.material.get('east')?.caCertPem).toBe(readPki(meshDir, 'east/ca-cert.pem'));
  });

  it('keeps material with CRLF line endings byte for byte', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const crlfRoot = readPki(meshDir, 'root-cert.pem').replace(/\n/g, '\r\n');
    writePki(meshDir, 'root-cert.pem', crlfRoot);
    for (const cluster of ['east', 'west']) {
      writePki(meshDir, `${cluster}/root-cert.pem`, crlfRoot);
      writePki(meshDir, `${cluster}/cert-chain.pem`, readPki(meshDir, `${cluster}/ca-cert.pem`) + crlfRoot);
    }
    const plan = await check(meshDir, pkiModel(['east', 'west']));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.material.get('west')?.rootCertPem).toBe(crlfRoot);
  });
});

describe('cacertsSecret', () => {
  it('is the Opaque cacerts Secret in istio-system with the four files base64-encoded', () => {
    const east = fixturePlan.material.get('east')!;
    const base64 = (file: string) => Buffer.from(readPki(fixtureDir, file)).toString('base64');
    expect(cacertsSecret(east)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cacerts', namespace: 'istio-system' },
      type: 'Opaque',
      data: {
        'ca-cert.pem': base64('east/ca-cert.pem'),
        'ca-key.pem': base64('east/ca-key.pem'),
        'cert-chain.pem': base64('east/cert-chain.pem'),
        'root-cert.pem': base64('east/root-cert.pem'),
      },
    });
  });

  it('refuses material without a CA key rather than emit a partial bundle istiod would reject', () => {
    const { caKeyPem: _omitted, ...withoutKey } = fixturePlan.material.get('east')!;
    expect(() => cacertsSecret(withoutKey)).toThrow(/no CA key/);
  });
});

describe('spec.pki.keyType', () => {
  const FIXTURE_PKI = path.resolve(import.meta.dirname, '../fixtures/pki');

  it('defaults to rsa-4096 in the model, which generates RSA keys of 4096 bits with exponent 65537', () => {
    const mesh = buildModel({ apiVersion: 'meshgen.dev/v1alpha1', kind: 'Mesh', metadata: { name: 'm' }, spec: { istio: { version: '1.30.3' }, clusters: [{ name: 'east', network: 'n1' }] } } as MeshDocument);
    expect(mesh.pki.keyType).toBe('rsa-4096');
    expect(KEY_TYPES['rsa-4096']).toEqual({ type: 'rsa', modulusLength: 4096, publicExponent: 65537 });
  });

  it('rsa-4096: the committed test CA meshgen made with it is RSA 4096, sha256WithRSAEncryption, SKIs the SHA-1 of the PKCS#1 key', () => {
    for (const file of ['root-cert.pem', 'east/ca-cert.pem']) {
      const cert = new X509Certificate(fs.readFileSync(path.join(FIXTURE_PKI, file)));
      expect(cert.publicKey.asymmetricKeyDetails?.modulusLength, file).toBe(4096);
      const text = openssl(['x509', '-in', path.join(FIXTURE_PKI, file), '-noout', '-text', '-ext', 'subjectKeyIdentifier'], FIXTURE_PKI);
      expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
      const expected = createHash('sha1').update(cert.publicKey.export({ type: 'pkcs1', format: 'der' })).digest('hex').toUpperCase().match(/../g)!.join(':');
      expect(text).toContain(expected);
    }
  });

  it('ecdsa-p384: P-384 keys, signed ecdsa-with-SHA384, a chain openssl verifies', async () => {
    const meshDir = makeTempDir();
    const plan = await build(meshDir, pkiModel(['east'], { keyType: 'ecdsa-p384' }), now);
    expect(plan.diagnostics).toEqual([]);
    for (const file of ['root-cert.pem', 'east/ca-cert.pem']) {
      const cert = new X509Certificate(readPki(meshDir, file));
      expect(cert.publicKey.asymmetricKeyDetails?.namedCurve, file).toBe('secp384r1');
      expect(openssl(['x509', '-in', pkiFile(meshDir, file), '-noout', '-text'], meshDir)).toContain('Signature Algorithm: ecdsa-with-SHA384');
    }
    expect(createPrivateKey(readPki(meshDir, 'east/ca-key.pem')).asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(openssl(['verify', '-x509_strict', '-CAfile', pkiFile(meshDir, 'root-cert.pem'), pkiFile(meshDir, 'east/ca-cert.pem')], meshDir)).toContain(': OK');
  });

  it('an RSA root adopted from the committed test CA signs a new ECDSA intermediate with sha256WithRSAEncryption', async () => {
    const meshDir = makeTempDir();
    fs.mkdirSync(path.join(meshDir, 'pki'));
    for (const file of ['root-cert.pem', 'root-key.pem']) fs.copyFileSync(path.join(FIXTURE_PKI, file), path.join(meshDir, 'pki', file));
    fs.chmodSync(path.join(meshDir, 'pki/root-key.pem'), 0o600); // as meshgen keeps keys (no W3002)
    const plan = await build(meshDir, pkiModel(['east'], { keyType: 'ecdsa-p256' }), now);
    expect(plan.diagnostics).toEqual([]);
    const ca = new X509Certificate(readPki(meshDir, 'east/ca-cert.pem'));
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(openssl(['x509', '-in', pkiFile(meshDir, 'east/ca-cert.pem'), '-noout', '-text'], meshDir)).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(openssl(['verify', '-x509_strict', '-CAfile', pkiFile(meshDir, 'root-cert.pem'), pkiFile(meshDir, 'east/ca-cert.pem')], meshDir)).toContain(': OK');
  });
});
