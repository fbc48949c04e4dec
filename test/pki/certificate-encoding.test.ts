import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeCertificate, encodeTbsCertificate, type SignatureAlgorithm, type TbsCertificate } from '../../src/pki/certificate.js';
import { bitString, oid, smallInteger, time, tlv } from '../../src/pki/der-writer.js';
import { readBasicConstraints, readCertificateFields, readSubjectKeyIdentifier } from '../../src/pki/der.js';
import { derToPem } from '../../src/pki/pem.js';
import { forgeTbsCertificate } from '../helpers/forge-tbs-certificate.js';

// meshgen encodes its CA certificates with its own DER writer. The oracle is node-forge (the
// encoder meshgen used before, a devDependency now): from the same fields, both must give the
// same bytes. Node's X509Certificate then parses and verifies what the writer made.

const ECDSA_SHA256: SignatureAlgorithm = { oid: '1.2.840.10045.4.3.2', hash: 'sha256', nullParameters: false };
const ECDSA_SHA384: SignatureAlgorithm = { oid: '1.2.840.10045.4.3.3', hash: 'sha384', nullParameters: false };
const RSA_SHA256: SignatureAlgorithm = { oid: '1.2.840.113549.1.1.11', hash: 'sha256', nullParameters: true };

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }); // the encoding is the same as for 4096 bits, only faster to make
const spki = (key: { publicKey: ReturnType<typeof createPublicKey> }) => key.publicKey.export({ type: 'spki', format: 'der' });

function fields(overrides: Partial<TbsCertificate> = {}): TbsCertificate {
  return {
    serialNumber: Buffer.from('5a0102030405060708090a0b0c0d0e0f', 'hex'),
    signature: ECDSA_SHA256,
    notBefore: new Date(Date.UTC(2026, 11, 2, 0, 30, 5)),
    notAfter: new Date(Date.UTC(2036, 10, 30, 0, 30, 5)),
    subject: { organization: 'Istio', commonName: 'Root CA' },
    subjectPublicKeyInfo: spki(p256),
    kind: 'root',
    subjectKeyIdentifier: createHash('sha1').update('root').digest(),
    ...overrides,
  };
}

const rootSubject = () => readCertificateFields(selfSigned(fields())).rawSubject;
const intermediate = (overrides: Partial<TbsCertificate> = {}) =>
  fields({
    kind: 'intermediate',
    subject: { organization: 'Istio', commonName: 'Intermediate CA', locality: 'east' },
    rawIssuer: rootSubject(),
    authorityKeyIdentifier: createHash('sha1').update('root').digest(),
    subjectKeyIdentifier: createHash('sha1').update('east').digest(),
    ...overrides,
  });

function selfSigned(tbs: TbsCertificate, key = p256.privateKey): Buffer {
  const tbsDer = encodeTbsCertificate(tbs);
  return encodeCertificate(tbsDer, tbs.signature, sign(tbs.signature.hash, tbsDer, key));
}

describe('the TBSCertificate encoding is byte for byte the one node-forge gives from the same fields', () => {
  const cases: [string, () => TbsCertificate][] = [
    ['a root: CA:true without pathlen, keyUsage, SKI', () => fields()],
    ['an intermediate: pathlen 0, SAN, AKI, the issuer as the root encoded it', () => intermediate()],
    ['RSA signature algorithm: NULL parameters', () => fields({ signature: RSA_SHA256 })],
    ['an RSA subject key signed with sha256WithRSAEncryption', () => intermediate({ signature: RSA_SHA256, subjectPublicKeyInfo: spki(rsa) })],
    ['ecdsa-with-SHA384 and a P-384 public key', () => fields({ signature: ECDSA_SHA384, subjectPublicKeyInfo: spki(p384) })],
    ['non-ASCII names, as UTF-8 bytes', () => intermediate({ subject: { organization: 'Société Générale', commonName: 'Zwischen-CA Ü', locality: '東京' } })],
    ['names long enough for one-byte and two-byte length forms', () => fields({ subject: { organization: 'O'.repeat(130), commonName: 'C'.repeat(300) } })],
    ['validity past 2049: GeneralizedTime', () => fields({ notAfter: new Date(Date.UTC(2126, 0, 1, 23, 59, 59)) })],
    ['validity before 1950: GeneralizedTime', () => fields({ notBefore: new Date(Date.UTC(1949, 11, 31, 23, 59, 59)) })],
    ['a serial number with a leading 0x00 byte kept as given', () => fields({ serialNumber: Buffer.from('00ff01', 'hex') })],
  ];
  for (const [name, make] of cases) {
    it(name, () => {
      const tbs = make();
      expect(encodeTbsCertificate(tbs).toString('hex')).toBe(forgeTbsCertificate(tbs).toString('hex'));
    });
  }
});

describe('the certificate', () => {
  it('is one Node parses and verifies with the signer key, with the fields it was given', () => {
    const der = selfSigned(intermediate());
    const cert = new X509Certificate(derToPem(der, 'CERTIFICATE'));
    expect(cert.verify(p256.publicKey)).toBe(true);
    expect(cert.subject.split('\n')).toEqual(['O=Istio', 'CN=Intermediate CA', 'L=east']);
    expect(cert.serialNumber).toBe('5A0102030405060708090A0B0C0D0E0F');
    expect(cert.subjectAltName).toBe('DNS:istiod.istio-system.svc');
    expect(cert.ca).toBe(true);
    expect(cert.keyUsage).toBeUndefined(); // Node lists only extended key usage; keyUsage is read below
    const parsed = readCertificateFields(der);
    expect(readBasicConstraints(parsed)).toEqual({ ca: true, pathLength: 0, critical: true });
    expect(readSubjectKeyIdentifier(parsed)).toEqual(createHash('sha1').update('east').digest());
    expect(parsed.notBefore.toISOString()).toBe('2026-12-02T00:30:05.000Z');
  });

  it('is one Node verifies when an RSA key signs it', () => {
    const der = selfSigned(fields({ signature: RSA_SHA256, subjectPublicKeyInfo: spki(rsa) }), rsa.privateKey);
    const cert = new X509Certificate(der);
    expect(cert.verify(rsa.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('fails verification with another key (control)', () => {
    const der = selfSigned(fields());
    expect(new X509Certificate(der).verify(p384.publicKey)).toBe(false);
    expect(new X509Certificate(der).verify(createPublicKey(createPrivateKey(p256.privateKey.export({ type: 'pkcs8', format: 'pem' }))))).toBe(true);
  });
});

describe('the DER writer', () => {
  it('writes lengths in short form below 128 and in the fewest bytes above', () => {
    expect(tlv(0x04, Buffer.alloc(127)).subarray(0, 2).toString('hex')).toBe('047f');
    expect(tlv(0x04, Buffer.alloc(128)).subarray(0, 3).toString('hex')).toBe('048180');
    expect(tlv(0x04, Buffer.alloc(256)).subarray(0, 4).toString('hex')).toBe('04820100');
    expect(tlv(0x04, Buffer.alloc(70000)).subarray(0, 5).toString('hex')).toBe('0483011170');
  });

  it('writes small integers minimally and positive', () => {
    expect([0, 2, 127, 128, 256, 65535].map((n) => smallInteger(n).toString('hex'))).toEqual(['020100', '020102', '02017f', '02020080', '02020100', '020300ffff']);
    expect(() => smallInteger(-1)).toThrow(RangeError);
  });

  it('writes object identifiers in base 128 with the first two arcs combined', () => {
    expect(oid('1.2.840.113549.1.1.11').toString('hex')).toBe('06092a864886f70d01010b');
    expect(oid('2.5.29.35').toString('hex')).toBe('0603551d23');
    expect(oid('2.999.3').toString('hex')).toBe('0603883703');
  });

  it('writes a bit string with its count of unused bits first', () => {
    expect(bitString(Buffer.from([0xe4]), 2).toString('hex')).toBe('030202e4');
  });

  it('writes times with whole seconds in UTC', () => {
    expect(time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59, 999))).toString('latin1').slice(2)).toBe('491231235959Z');
    expect(time(new Date(Date.UTC(2050, 0, 1))).toString('latin1').slice(2)).toBe('20500101000000Z');
  });
});
