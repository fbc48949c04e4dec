import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacertsSecret } from '../../src/render/secrets/cacerts-secret.js';
import { build, check, copyMeshDir, makefileCacerts, makefileRootCa, makeTempDir, openssl, pkiFile, pkiModel, readPki, readTree, removeTempDirs, expectOnlyNewClusterWritten } from './helpers.js';

// A pki directory made by Istio's tools/certs/Makefile.selfsigned.mk (`make root-ca east-cacerts
// west-cacerts`), reproduced with the same openssl commands, is adopted as it is.

let makefileDir: string;

beforeAll(() => {
  makefileDir = makeTempDir();
  const pkiDir = path.join(makefileDir, 'pki');
  makefileRootCa(pkiDir);
  makefileCacerts(pkiDir, 'east');
  makefileCacerts(pkiDir, 'west');
}, 30_000);
afterAll(removeTempDirs);

function ecMakefileDir(): string {
  const meshDir = makeTempDir();
  const pkiDir = path.join(meshDir, 'pki');
  makefileRootCa(pkiDir, { key: 'ec' });
  makefileCacerts(pkiDir, 'east', { key: 'ec' });
  return meshDir;
}

describe('adopting a directory made by the Makefile', () => {
  it('accepts it unchanged: no diagnostics, no writes, the material is the files byte for byte', async () => {
    const meshDir = copyMeshDir(makefileDir);
    const before = readTree(meshDir);
    const plan = await build(meshDir, pkiModel(['east', 'west']));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.writes).toEqual([]);
    expect(plan.rootCertPem).toBe(before['pki/root-cert.pem']);
    expect(plan.material.get('west')).toEqual({
      cluster: 'west',
      rootCertPem: before['pki/west/root-cert.pem'],
      caCertPem: before['pki/west/ca-cert.pem'],
      certChainPem: before['pki/west/cert-chain.pem'],
      caKeyPem: before['pki/west/ca-key.pem'],
    });
    expect(readTree(meshDir)).toEqual(before);
  });

  it('ignores and keeps what the Makefile leaves behind (root-cert.srl, *.csr, *.conf)', async () => {
    const meshDir = copyMeshDir(makefileDir);
    const leftovers = ['pki/root-cert.srl', 'pki/root-cert.csr', 'pki/root-ca.conf', 'pki/east/cluster-ca.csr', 'pki/east/intermediate.conf'];
    for (const file of leftovers) expect(fs.existsSync(path.join(meshDir, file)), file).toBe(true);
    const plan = await build(meshDir, pkiModel(['east', 'west']));
    expect(plan.diagnostics).toEqual([]);
    for (const file of leftovers) expect(fs.existsSync(path.join(meshDir, file)), file).toBe(true);
  });

  it('accepts PKCS#1 "BEGIN RSA PRIVATE KEY" keys, as OpenSSL 1.1 genrsa wrote them', async () => {
    const meshDir = copyMeshDir(makefileDir);
    for (const key of ['root-key.pem', 'east/ca-key.pem', 'west/ca-key.pem']) {
      openssl(['rsa', '-in', pkiFile(meshDir, key), '-traditional', '-out', pkiFile(meshDir, key)], meshDir);
      expect(readPki(meshDir, key).startsWith('-----BEGIN RSA PRIVATE KEY-----\n')).toBe(true);
    }
    const plan = await check(meshDir, pkiModel(['east', 'west']));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.material.get('east')?.caKeyPem).toBe(readPki(meshDir, 'east/ca-key.pem'));
  });

  it('accepts EC keys ("BEGIN EC PRIVATE KEY") for the root and intermediates', async () => {
    const meshDir = ecMakefileDir();
    expect(readPki(meshDir, 'east/ca-key.pem').startsWith('-----BEGIN EC PRIVATE KEY-----\n')).toBe(true);
    const plan = await check(meshDir, pkiModel(['east']));
    expect(plan.diagnostics).toEqual([]);
    expect(plan.writes).toEqual([]);
  });
});

describe('a cluster added to a Makefile directory', () => {
  it('gets an intermediate signed by the Makefile root that chains as Go and OpenSSL expect', async () => {
    const meshDir = copyMeshDir(makefileDir);
    const before = readTree(meshDir);
    const plan = await build(meshDir, pkiModel(['central', 'east', 'west']));
    expect(plan.diagnostics).toEqual([]);
    expectOnlyNewClusterWritten(plan, meshDir, before, 'central');

    const root = new X509Certificate(readPki(meshDir, 'root-cert.pem'));
    const central = new X509Certificate(readPki(meshDir, 'central/ca-cert.pem'));
    expect(central.checkIssued(root) && central.verify(root.publicKey)).toBe(true);
    expect(openssl(['verify', '-CAfile', pkiFile(meshDir, 'root-cert.pem'), pkiFile(meshDir, 'central/ca-cert.pem')], meshDir)).toContain(': OK');
    const nameDer = (file: string, which: 'issuer' | 'subject') =>
      openssl(['x509', '-in', pkiFile(meshDir, file), '-noout', `-${which}`, '-nameopt', 'RFC2253,dump_all,dump_der'], meshDir).replace(/^\w+=/, '');
    expect(nameDer('central/ca-cert.pem', 'issuer')).toBe(nameDer('root-cert.pem', 'subject'));
    const keyId = (file: string, ext: string) => openssl(['x509', '-in', pkiFile(meshDir, file), '-noout', '-ext', ext], meshDir).split('\n')[1].trim();
    expect(keyId('central/ca-cert.pem', 'authorityKeyIdentifier')).toBe(keyId('root-cert.pem', 'subjectKeyIdentifier'));
    expect(cacertsSecret(plan.material.get('central')!).kind).toBe('Secret');
  });

  it('under an EC root, is signed with ecdsa-with-SHA256 and an AlgorithmIdentifier without parameters', async () => {
    const meshDir = ecMakefileDir();
    const plan = await build(meshDir, pkiModel(['central', 'east']));
    expect(plan.diagnostics).toEqual([]);
    const root = new X509Certificate(readPki(meshDir, 'root-cert.pem'));
    const central = new X509Certificate(readPki(meshDir, 'central/ca-cert.pem'));
    expect(central.verify(root.publicKey)).toBe(true);
    expect(central.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1'); // pkiModel's keyType: ecdsa-p256
    expect(openssl(['verify', '-CAfile', pkiFile(meshDir, 'root-cert.pem'), pkiFile(meshDir, 'central/ca-cert.pem')], meshDir)).toContain(': OK');
    const asn1 = openssl(['asn1parse', '-in', pkiFile(meshDir, 'central/ca-cert.pem')], meshDir).split('\n');
    const algorithmLines = asn1.flatMap((line, i) => (line.includes(':ecdsa-with-SHA256') ? [asn1[i + 1]] : []));
    expect(algorithmLines).toHaveLength(2); // in the TBSCertificate and around the signature
    for (const next of algorithmLines) expect(next).not.toContain('NULL');
  });
});
