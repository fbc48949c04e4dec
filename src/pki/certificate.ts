import { bitString, boolean, explicit, implicitPrimitive, integerBytes, nullValue, octetString, oid, sequence, set, smallInteger, time, utf8String } from './der-writer.js';
import { OID } from './asn1.js';
import { CA_KEY_USAGE, ISTIOD_SAN_DNS, type SubjectName } from './profile.js';

// The DER of a CA certificate with the Makefile's profile (RFC 5280 section 4.1): a pure
// encoding of the fields below. generate.ts chooses the fields and signs.

export interface SignatureAlgorithm {
  oid: string;
  hash: 'sha256' | 'sha384';
  /** RSA algorithm identifiers carry NULL parameters; ECDSA ones carry none (RFC 5758 section 3.2) */
  nullParameters: boolean;
}

export interface TbsCertificate {
  /** the serial number's INTEGER content bytes (positive, minimal) */
  serialNumber: Buffer;
  signature: SignatureAlgorithm;
  /** the issuer Name as encoded; undefined for a self-signed certificate (the issuer is the subject) */
  rawIssuer?: Buffer;
  notBefore: Date;
  notAfter: Date;
  subject: SubjectName;
  /** SubjectPublicKeyInfo, as Node exports it (RSA or EC) */
  subjectPublicKeyInfo: Buffer;
  kind: 'root' | 'intermediate';
  subjectKeyIdentifier: Buffer;
  /** the signer's key identifier: an intermediate's authorityKeyIdentifier */
  authorityKeyIdentifier?: Buffer;
}

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

export function encodeTbsCertificate(tbs: TbsCertificate): Buffer {
  const subject = encodeName(tbs.subject);
  return sequence(
    explicit(0, smallInteger(2)), // version v3
    integerBytes(tbs.serialNumber),
    algorithmIdentifier(tbs.signature),
    tbs.rawIssuer ?? subject,
    sequence(time(tbs.notBefore), time(tbs.notAfter)),
    subject,
    tbs.subjectPublicKeyInfo,
    explicit(3, sequence(...extensions(tbs))),
  );
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } */
export function encodeCertificate(tbsDer: Buffer, algorithm: SignatureAlgorithm, signature: Buffer): Buffer {
  return sequence(tbsDer, algorithmIdentifier(algorithm), bitString(signature));
}

function algorithmIdentifier(algorithm: SignatureAlgorithm): Buffer {
  return algorithm.nullParameters ? sequence(oid(algorithm.oid), nullValue()) : sequence(oid(algorithm.oid));
}

/** O, CN (and L), one attribute per RDN, as UTF8String in the Makefile's order (`openssl req` with `utf8 = yes`). */
function encodeName(name: SubjectName): Buffer {
  const attribute = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  const rdns = [attribute(OID.organization, name.organization), attribute(OID.commonName, name.commonName)];
  if (name.locality !== undefined) rdns.push(attribute(OID.locality, name.locality));
  return sequence(...rdns);
}

function extensions(tbs: TbsCertificate): Buffer[] {
  const common = [
    extension(OID.subjectKeyIdentifier, false, octetString(tbs.subjectKeyIdentifier)),
    // root: CA:true without pathlen; intermediate: CA:true, pathlen:0
    extension(OID.basicConstraints, true, tbs.kind === 'root' ? sequence(boolean(true)) : sequence(boolean(true), smallInteger(0))),
    extension(OID.keyUsage, true, keyUsage(CA_KEY_USAGE)),
  ];
  if (tbs.kind === 'root') return common;
  if (!tbs.authorityKeyIdentifier) throw new Error('encodeTbsCertificate: an intermediate needs its authorityKeyIdentifier');
  return [
    ...common,
    extension(OID.subjectAltName, false, sequence(implicitPrimitive(2 /* dNSName */, Buffer.from(ISTIOD_SAN_DNS, 'latin1')))),
    extension(OID.authorityKeyIdentifier, false, sequence(implicitPrimitive(0 /* keyIdentifier */, tbs.authorityKeyIdentifier))),
  ];
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE (omitted when false), extnValue OCTET STRING } */
function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

/** A named bit list: trailing zero bits are not encoded (X.690 11.2.2). */
function keyUsage(usage: Partial<Record<keyof typeof KEY_USAGE_BITS, boolean>>): Buffer {
  const bits = Object.entries(usage)
    .filter(([, set]) => set)
    .map(([name]) => KEY_USAGE_BITS[name as keyof typeof KEY_USAGE_BITS]);
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] |= 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (highest & 7));
}
