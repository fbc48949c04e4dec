import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certsStatus, formatCertsStatus, type CertStatusRow } from '../../src/pki/index.js';
import { Codes } from '../../src/diagnostics/catalog.js';
import { copyMeshDir, makefileCacerts, makefileRootCa, makeTempDir, pkiModel, readPki, removeTempDirs, writePki, diskHost } from './helpers.js';

// `meshgen certs status`, on a Makefile-made pki with P-256 keys (quick to make).

const DAY_MS = 24 * 60 * 60 * 1000;
let fixtureDir: string;

beforeAll(() => {
  fixtureDir = makeTempDir();
  const pkiDir = path.join(fixtureDir, 'pki');
  makefileRootCa(pkiDir, { key: 'ec' });
  makefileCacerts(pkiDir, 'east', { key: 'ec' });
  makefileCacerts(pkiDir, 'west', { key: 'ec' });
});
afterAll(removeTempDirs);

describe('certsStatus', () => {
  it('lists the root and each cluster intermediate with subject, issuer, serial, expiry, fingerprint and verdict', async () => {
    const now = new Date();
    const { rows, diagnostics } = certsStatus({ host: diskHost(now), model: pkiModel(['east', 'west']), meshDir: fixtureDir, pkiDirDisplay: 'pki' });
    expect(diagnostics).toEqual([]);
    expect(rows.map((r) => [r.name, r.file])).toEqual([
      ['root', 'pki/root-cert.pem'],
      ['east', 'pki/east/ca-cert.pem'],
      ['west', 'pki/west/ca-cert.pem'],
    ]);
    const east = new X509Certificate(readPki(fixtureDir, 'east/ca-cert.pem'));
    const notAfter = new Date(east.validTo);
    expect(rows[1]).toEqual({
      name: 'east',
      file: 'pki/east/ca-cert.pem',
      subject: 'O=Istio, CN=Intermediate CA, L=east',
      issuer: 'O=Istio, CN=Root CA',
      serial: east.serialNumber,
      notAfter: notAfter.toISOString().replace('.000Z', 'Z'),
      daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
      sha256: east.fingerprint256,
      verifies: true,
    });
    expect(rows[0].subject).toBe('O=Istio, CN=Root CA');
    expect(rows[0].daysLeft).toBe(3649);
  });

  it('marks a certificate that fails a check and names the problem', async () => {
    const meshDir = copyMeshDir(fixtureDir);
    writePki(meshDir, 'west/cert-chain.pem', readPki(meshDir, 'root-cert.pem'));
    const { rows, diagnostics } = certsStatus({ host: diskHost(), model: pkiModel(['east', 'west']), meshDir, pkiDirDisplay: 'pki' });
    expect(diagnostics.map((d) => d.code)).toEqual([Codes.ChainMismatch]);
    expect(rows.map((r) => [r.name, r.verifies])).toEqual([
      ['root', true],
      ['east', true],
      ['west', false],
    ]);
    expect(rows[2].problem).toBe('certificate chain of cluster "west" is not ca-cert.pem followed by root-cert.pem');
  });

  it('shows an expiring certificate as verifying, with the warning as its problem', async () => {
    const notAfter = new Date(new X509Certificate(readPki(fixtureDir, 'east/ca-cert.pem')).validTo);
    const { rows } = certsStatus({ host: diskHost(new Date(notAfter.getTime() - 5 * DAY_MS)), model: pkiModel(['east']), meshDir: fixtureDir, pkiDirDisplay: 'pki' });
    expect(rows[1]).toMatchObject({ name: 'east', verifies: true, daysLeft: 5 });
    expect(rows[1].problem).toMatch(/expires on .*, in 5 days$/);
  });

  it('reports a cluster without material and creates nothing', async () => {
    const { rows, diagnostics } = certsStatus({ host: diskHost(), model: pkiModel(['central', 'east']), meshDir: fixtureDir, pkiDirDisplay: 'pki' });
    expect(rows.map((r) => r.name)).toEqual(['root', 'east']);
    expect(diagnostics).toMatchObject([{ code: Codes.MaterialMissing, file: 'pki/central/ca-cert.pem', hint: 'run meshgen build to create it' }]);
  });
});

describe('formatCertsStatus', () => {
  const row: CertStatusRow = {
    name: 'east',
    file: 'pki/east/ca-cert.pem',
    subject: 'O=Istio, CN=Intermediate CA, L=east',
    issuer: 'O=Istio, CN=Root CA',
    serial: '1A2B',
    notAfter: '2028-02-29T00:00:00Z',
    daysLeft: 12,
    sha256: 'AB:CD',
    verifies: false,
    problem: 'certificate chain of cluster "east" is not ca-cert.pem followed by root-cert.pem',
  };

  it('prints one aligned block per certificate', () => {
    expect(formatCertsStatus([row, { ...row, name: 'west', file: 'pki/west/ca-cert.pem', daysLeft: -3, verifies: true, problem: undefined }])).toBe(
      [
        'east  pki/east/ca-cert.pem',
        '  subject    O=Istio, CN=Intermediate CA, L=east',
        '  issuer     O=Istio, CN=Root CA',
        '  serial     1A2B',
        '  not after  2028-02-29T00:00:00Z (12 days left)',
        '  sha256     AB:CD',
        '  verifies   no',
        '  problem    certificate chain of cluster "east" is not ca-cert.pem followed by root-cert.pem',
        '',
        'west  pki/west/ca-cert.pem',
        '  subject    O=Istio, CN=Intermediate CA, L=east',
        '  issuer     O=Istio, CN=Root CA',
        '  serial     1A2B',
        '  not after  2028-02-29T00:00:00Z (expired 3 days ago)',
        '  sha256     AB:CD',
        '  verifies   yes',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to show', () => {
    expect(formatCertsStatus([])).toBe('no CA certificates found');
  });
});
