import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planPki, type PkiPlan } from '../../src/pki/index.js';
import { Codes } from '../../src/diagnostics/catalog.js';
import {
  build,
  check,
  codesOf,
  copyMeshDir,
  expectNoKeyMaterial,
  makefileCacerts,
  makefileRootCa,
  makeTempDir,
  openssl,
  pkiFile,
  pkiModel,
  readPki,
  readTree,
  removeTempDirs,
  writePki,
  diskHost,
} from './helpers.js';

// Every check a build runs on existing material, one broken thing per scenario. The fixture is
// a healthy pki made once; bad intermediates are made with openssl and P-256 keys (fast).

const DAY_MS = 24 * 60 * 60 * 1000;
// a day ago, so that openssl-made certificates (valid from the real now) fit in the same window
const created = new Date(Math.floor(Date.now() / 1000) * 1000 - DAY_MS);
const isoDate = (date: Date) => date.toISOString().slice(0, 10);
let fixtureDir: string;

beforeAll(async () => {
  fixtureDir = makeTempDir();
  await build(fixtureDir, pkiModel(['east', 'west']), created);
}, 30_000);
afterAll(removeTempDirs);

/** A build's plan for the copy, checking what holds for every diagnostic. */
async function planOf(meshDir: string, options: { clusters?: string[]; now?: Date; allowGenerate?: boolean } = {}): Promise<PkiPlan> {
  const plan = await check(meshDir, pkiModel(options.clusters ?? ['east', 'west']), { now: options.now ?? new Date(), allowGenerate: options.allowGenerate });
  expectNoKeyMaterial(plan.diagnostics, meshDir);
  for (const d of plan.diagnostics) {
    expect(d.file).toMatch(/^pki\//);
    expect(d.position).toBeUndefined();
    expect(d.message).not.toMatch(/\n/);
  }
  return plan;
}

/** Replace a cluster's intermediate with one made by openssl, keeping chain and root copy consistent. */
function replaceIntermediate(meshDir: string, cluster: string, options: Parameters<typeof makefileCacerts>[2]): void {
  fs.rmSync(pkiFile(meshDir, cluster), { recursive: true });
  makefileCacerts(path.join(meshDir, 'pki'), cluster, { key: 'ec', ...options });
}

describe('unreadable material', () => {
  it('reports a certificate file that holds no PEM certificate', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    writePki(meshDir, 'east/ca-cert.pem', 'not a certificate\n');
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.PemUnreadable} pki/east/ca-cert.pem`]);
    expect(plan.diagnostics[0]).toMatchObject({
      severity: 'error',
      message: 'intermediate certificate of cluster "east" holds no PEM certificate',
      hint: 'regenerate with: rm -r pki/east && meshgen build',
    });
  });

  it('reports a certificate whose PEM body is corrupt', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    writePki(meshDir, 'root-cert.pem', readPki(meshDir, 'root-cert.pem').replace(/\n[A-Za-z0-9+/]{64}\n/, '\nAAAA\n'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toContain(`${Codes.PemUnreadable} pki/root-cert.pem`);
  });

  it('reports a certificate file that holds more than one certificate', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    writePki(meshDir, 'east/ca-cert.pem', readPki(meshDir, 'east/cert-chain.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.PemUnreadable} pki/east/ca-cert.pem`]);
    expect(plan.diagnostics[0].message).toBe('intermediate certificate of cluster "east" holds 2 certificates where one is expected');
  });

  it('reports a file that cannot be read at all', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.rmSync(pkiFile(meshDir, 'west/cert-chain.pem'));
    fs.mkdirSync(pkiFile(meshDir, 'west/cert-chain.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.PemUnreadable} pki/west/cert-chain.pem`]);
    expect(plan.diagnostics[0].message).toBe('certificate chain of cluster "west" cannot be read (EISDIR)');
  });

  it('reports a key file that holds no private key, without quoting it', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const key = readPki(meshDir, 'east/ca-key.pem');
    const truncated = key.slice(0, Math.floor(key.length / 2)); // half of it, whatever the key type
    writePki(meshDir, 'east/ca-key.pem', truncated);
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.PemUnreadable} pki/east/ca-key.pem`]);
    expect(plan.diagnostics[0].message).toBe('intermediate key of cluster "east" is not an unencrypted PEM private key (PKCS#1, PKCS#8 or SEC1)');
    const truncatedLines = truncated.split('\n').slice(1, -1);
    for (const line of truncatedLines) expect(JSON.stringify(plan.diagnostics)).not.toContain(line);
  });

  it('reports an encrypted key, which istiod cannot load', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:secret', '-in', pkiFile(meshDir, 'root-key.pem'), '-out', pkiFile(meshDir, 'root-key.enc')], meshDir);
    fs.renameSync(pkiFile(meshDir, 'root-key.enc'), pkiFile(meshDir, 'root-key.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.PemUnreadable} pki/root-key.pem`]);
  });

  it('reports a key type istiod does not support (Ed25519)', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    openssl(['genpkey', '-algorithm', 'ed25519', '-out', pkiFile(meshDir, 'west/ca-key.pem')], meshDir);
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.UnsupportedKeyType} pki/west/ca-key.pem`]);
    expect(plan.diagnostics[0].message).toBe('intermediate key of cluster "west" has key type ed25519, but istiod signs only with RSA or ECDSA keys');
  });
});

describe('material that does not fit together', () => {
  it('reports an intermediate key that does not match its certificate', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.copyFileSync(pkiFile(meshDir, 'west/ca-key.pem'), pkiFile(meshDir, 'east/ca-key.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.KeyMismatch} pki/east/ca-key.pem`]);
    expect(plan.diagnostics[0].message).toBe('intermediate key of cluster "east" does not match ca-cert.pem');
  });

  it('reports a root key that does not match the root certificate', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.copyFileSync(pkiFile(meshDir, 'east/ca-key.pem'), pkiFile(meshDir, 'root-key.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.KeyMismatch} pki/root-key.pem`]);
    expect(plan.diagnostics[0].message).toBe('root key does not match root-cert.pem');
  });

  it('reports an intermediate signed by another root', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const otherRoot = path.join(makeTempDir(), 'other');
    makefileRootCa(otherRoot, { key: 'ec' });
    replaceIntermediate(meshDir, 'east', { caCert: path.join(otherRoot, 'root-cert.pem'), caKey: path.join(otherRoot, 'root-key.pem') });
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.NotSignedByRoot} pki/east/ca-cert.pem`]);
    expect(plan.diagnostics[0].message).toBe('intermediate certificate of cluster "east" is not signed by the root in pki/root-cert.pem');
  });

  it('reports an intermediate whose issuer name is encoded differently from the root subject', async () => {
    // Same key and the same name as the root, but PrintableString instead of UTF8String:
    // OpenSSL calls that the same name, Go's x509 (istiod) does not.
    const meshDir = copyMeshDir(fixtureDir);
    const pkiDir = path.join(meshDir, 'pki');
    fs.writeFileSync(
      path.join(pkiDir, 'lookalike.conf'),
      ['[ req ]', 'prompt = no', 'string_mask = default', 'distinguished_name = dn', 'x509_extensions = ext', '[ dn ]', 'O = Istio', 'CN = Root CA',
        '[ ext ]', 'basicConstraints = critical, CA:true', 'keyUsage = critical, keyCertSign', 'subjectKeyIdentifier = hash', ''].join('\n'),
    );
    openssl(['req', '-new', '-x509', '-key', 'root-key.pem', '-config', 'lookalike.conf', '-days', '30', '-out', 'lookalike.pem'], pkiDir);
    expect(openssl(['asn1parse', '-in', 'lookalike.pem'], pkiDir)).toContain('PRINTABLESTRING');
    replaceIntermediate(meshDir, 'east', { caCert: 'lookalike.pem' });
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.NotSignedByRoot} pki/east/ca-cert.pem`]);
    expect(plan.diagnostics[0].message).toContain('encodes its issuer name differently');
  });

  it('reports an intermediate that is not a CA', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    replaceIntermediate(meshDir, 'east', { basicConstraints: 'critical, CA:false' });
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.NotACa} pki/east/ca-cert.pem`]);
  });

  it('reports an intermediate with pathlen:1', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    replaceIntermediate(meshDir, 'west', { basicConstraints: 'critical, CA:true, pathlen:1' });
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.WrongPathLength} pki/west/ca-cert.pem`]);
    expect(plan.diagnostics[0].message).toBe('intermediate certificate of cluster "west" has pathlen:1 where pathlen:0 is required');
  });

  it('reports an intermediate without a pathlen', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    replaceIntermediate(meshDir, 'west', { basicConstraints: 'critical, CA:true' });
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.WrongPathLength} pki/west/ca-cert.pem`]);
    expect(plan.diagnostics[0].message).toBe('intermediate certificate of cluster "west" has no pathlen where pathlen:0 is required');
  });

  it('accepts a well-formed intermediate made by openssl with an EC key (control for the scenarios above)', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    replaceIntermediate(meshDir, 'west', {});
    const plan = await planOf(meshDir);
    expect(plan.diagnostics).toEqual([]);
  });

  it('reports a cluster whose root-cert.pem differs from the shared root', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    writePki(meshDir, 'east/root-cert.pem', readPki(meshDir, 'west/ca-cert.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.RootCopyDiffers} pki/east/root-cert.pem`]);
    expect(plan.diagnostics[0].hint).toBe('copy it: cp pki/root-cert.pem pki/east/root-cert.pem');
  });

  it('reports a cert-chain.pem that is not ca-cert.pem followed by root-cert.pem', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    writePki(meshDir, 'west/cert-chain.pem', readPki(meshDir, 'root-cert.pem') + readPki(meshDir, 'west/ca-cert.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.ChainMismatch} pki/west/cert-chain.pem`]);
  });

  it('reports a root certificate that is not self-signed', async () => {
    // the root's own key and name, signed by some other CA
    const meshDir = copyMeshDir(fixtureDir);
    const pkiDir = path.join(meshDir, 'pki');
    const other = path.join(makeTempDir(), 'other');
    makefileRootCa(other, { key: 'ec' });
    openssl(['req', '-new', '-key', 'root-key.pem', '-config', path.join(other, 'root-ca.conf'), '-out', 'root.csr'], pkiDir);
    openssl(
      ['x509', '-req', '-in', 'root.csr', '-CA', path.join(other, 'root-cert.pem'), '-CAkey', path.join(other, 'root-key.pem'), '-set_serial', '8', '-days', '3650',
        '-extfile', path.join(other, 'root-ca.conf'), '-extensions', 'req_ext', '-out', 'root-cert.pem'],
      pkiDir,
    );
    // keep the copies and chains consistent so that only the root's own problem shows
    const root = readPki(meshDir, 'root-cert.pem');
    for (const cluster of ['east', 'west']) {
      writePki(meshDir, `${cluster}/root-cert.pem`, root);
      writePki(meshDir, `${cluster}/cert-chain.pem`, readPki(meshDir, `${cluster}/ca-cert.pem`) + root);
    }
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.RootNotSelfSigned} pki/root-cert.pem`]);
  });
});

describe('validity', () => {
  it('reports expired certificates', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const plan = await planOf(meshDir, { now: new Date(created.getTime() + 4000 * DAY_MS) });
    expect(codesOf(plan.diagnostics)).toEqual([
      `${Codes.CertificateExpired} pki/east/ca-cert.pem`,
      `${Codes.CertificateExpired} pki/root-cert.pem`,
      `${Codes.CertificateExpired} pki/west/ca-cert.pem`,
    ]);
    const notAfter = new Date(created.getTime() + 730 * DAY_MS);
    expect(plan.diagnostics.find((d) => d.file === 'pki/east/ca-cert.pem')?.message).toBe(`intermediate certificate of cluster "east" expired on ${isoDate(notAfter)}`);
  });

  it('reports an intermediate made expired by openssl', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    replaceIntermediate(meshDir, 'east', { days: 1 });
    const plan = await planOf(meshDir, { now: new Date(Date.now() + 2 * DAY_MS) });
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.CertificateExpired} pki/east/ca-cert.pem`]);
  });

  it('reports certificates that are not valid yet', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const plan = await planOf(meshDir, { now: new Date(created.getTime() - DAY_MS) });
    expect(codesOf(plan.diagnostics)).toEqual([
      `${Codes.CertificateNotYetValid} pki/east/ca-cert.pem`,
      `${Codes.CertificateNotYetValid} pki/root-cert.pem`,
      `${Codes.CertificateNotYetValid} pki/west/ca-cert.pem`,
    ]);
  });

  it('warns about certificates that expire within 30 days', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const notAfter = new Date(new X509Certificate(readPki(meshDir, 'east/ca-cert.pem')).validTo);
    const plan = await planOf(meshDir, { now: new Date(notAfter.getTime() - 10 * DAY_MS) });
    expect(codesOf(plan.diagnostics)).toEqual([
      `${Codes.CertificateExpiresSoon} pki/east/ca-cert.pem`,
      `${Codes.CertificateExpiresSoon} pki/west/ca-cert.pem`,
    ]);
    expect(plan.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(plan.diagnostics[0].message).toBe(`intermediate certificate of cluster "east" expires on ${isoDate(notAfter)}, in 10 days`);
  });

  it('does not warn 31 days before expiry', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    const notAfter = new Date(new X509Certificate(readPki(meshDir, 'east/ca-cert.pem')).validTo);
    const plan = await planOf(meshDir, { now: new Date(notAfter.getTime() - 31 * DAY_MS) });
    expect(plan.diagnostics).toEqual([]);
  });
});

describe('missing material', () => {
  it('reports a missing root key when a new cluster needs an intermediate, and writes nothing', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.rmSync(pkiFile(meshDir, 'root-key.pem'));
    const plan = await planOf(meshDir, { clusters: ['central', 'east', 'west'] });
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.RootKeyMissing} pki/root-key.pem`]);
    expect(plan.diagnostics[0].message).toBe('root key is missing, and cluster "central" needs a new intermediate signed by it');
    expect(plan.writes).toEqual([]);
    expect([...plan.material.keys()]).toEqual(['east', 'west']);
  });

  it('without allowGenerate, reports everything a build would create and writes nothing', async () => {
    const meshDir = makeTempDir();
    const plan = await planOf(meshDir, { allowGenerate: false });
    expect(codesOf(plan.diagnostics)).toEqual([
      `${Codes.MaterialMissing} pki/east/ca-cert.pem`,
      `${Codes.MaterialMissing} pki/root-cert.pem`,
      `${Codes.MaterialMissing} pki/west/ca-cert.pem`,
    ]);
    expect(plan.diagnostics.every((d) => d.hint === 'run meshgen build to create it')).toBe(true);
    expect(plan.writes).toEqual([]);
    expect(fs.existsSync(path.join(meshDir, 'pki'))).toBe(false);
  });

  it('without allowGenerate, reports a new cluster and a missing chain file', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.rmSync(pkiFile(meshDir, 'west/cert-chain.pem'));
    const plan = await planOf(meshDir, { clusters: ['central', 'east', 'west'], allowGenerate: false });
    expect(codesOf(plan.diagnostics)).toEqual([
      `${Codes.MaterialMissing} pki/central/ca-cert.pem`,
      `${Codes.MaterialMissing} pki/west/cert-chain.pem`,
    ]);
    expect(plan.writes).toEqual([]);
  });

  it('reports a key whose certificate is missing instead of replacing either', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.rmSync(pkiFile(meshDir, 'east/ca-cert.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.IncompleteMaterial} pki/east/ca-cert.pem`]);
    expect(plan.writes).toEqual([]);
    expect(plan.material.has('east')).toBe(false);
  });

  it('reports a root key whose certificate is missing', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.rmSync(pkiFile(meshDir, 'root-cert.pem'));
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.IncompleteMaterial} pki/root-cert.pem`]);
    expect(plan.writes).toEqual([]);
  });

  it('never makes a new root under existing intermediates', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.rmSync(pkiFile(meshDir, 'root-cert.pem'));
    fs.rmSync(pkiFile(meshDir, 'root-key.pem'));
    const before = readTree(meshDir);
    const plan = await planOf(meshDir);
    expect(codesOf(plan.diagnostics)).toEqual([`${Codes.IncompleteMaterial} pki/root-cert.pem`]);
    expect(plan.diagnostics[0].message).toBe('root certificate is missing while intermediates exist for east, west');
    expect(plan.writes).toEqual([]);
    expect(readTree(meshDir)).toEqual(before);
  });
});

describe('how diagnostics name files', () => {
  it('joins pkiDirDisplay and the file inside it, in file and hint', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    fs.rmSync(pkiFile(meshDir, 'east/ca-cert.pem'));
    const plan = await planPki({ host: diskHost(), model: pkiModel(['east']), meshDir, pkiDirDisplay: path.join('examples', 'demo', 'pki'), allowGenerate: true });
    expect(plan.diagnostics).toEqual([
      {
        code: Codes.IncompleteMaterial,
        severity: 'error',
        file: path.join('examples', 'demo', 'pki', 'east', 'ca-cert.pem'),
        message: 'intermediate certificate of cluster "east" is missing while other files in its directory exist',
        hint: `regenerate with: rm -r ${path.join('examples', 'demo', 'pki', 'east')} && meshgen build`,
      },
    ]);
  });
});
