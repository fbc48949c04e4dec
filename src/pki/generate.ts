import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { asn1 as Asn1Types } from 'node-forge';
import type { CaKeyType, CaProfile } from '../model/mesh-model.js';
import { readCertificateFields, readSubjectKeyIdentifier, readSubjectPublicKeyBits } from './der.js';
import { loadForge, type Forge } from './forge.js';
import { derToPem, toLf } from './pem.js';
import {
  CA_KEY_USAGE,
  DAY_MS,
  intermediateRequest,
  ISTIOD_SAN_DNS,
  KEY_TYPES,
  SIGNATURE_HASH,
  rootRequest,
  type CertificateRequest,
  type SubjectName,
} from './profile.js';

// Creates new CA material with the Makefile's profile. Keys come from Node's native crypto
// (asynchronous, so all keys of a run generate in parallel on the libuv pool). node-forge only
// lays out the TBSCertificate; Node signs it, which also works for an adopted EC root key.

const generateKeyPairAsync = promisify(generateKeyPair);

export interface NewCa {
  /** PKCS#8 "BEGIN PRIVATE KEY", as OpenSSL 3 writes it */
  keyPem: string;
  certPem: string;
}

/** A CA that signs new intermediates: an existing root (possibly adopted) or one made in this run. */
export interface Signer {
  key: KeyObject;
  /** the signer's subject Name, exactly as encoded: it becomes the issuer of what it signs */
  rawSubject: Buffer;
  /** becomes the authorityKeyIdentifier of what it signs */
  keyIdentifier: Buffer;
}

export interface CaRequest {
  /** make a new self-signed root with this profile; otherwise `signer` signs the intermediates */
  newRoot?: CaProfile;
  signer?: Signer;
  intermediates: { cluster: string; profile: CaProfile }[];
  now: Date;
  /** spec.pki.keyType of every key made in this run; default rsa-4096 */
  keyType?: CaKeyType;
}

export interface CreatedCa {
  root?: NewCa;
  intermediates: Map<string, NewCa>;
}

export async function createCaMaterial(request: CaRequest): Promise<CreatedCa> {
  const keyType = request.keyType ?? 'rsa-4096';
  // All keys at once: each generation runs on its own libuv thread.
  const [forge, rootKeys, intermediateKeys] = await Promise.all([
    loadForge(),
    request.newRoot ? generateCaKeyPair(keyType) : undefined,
    Promise.all(request.intermediates.map(() => generateCaKeyPair(keyType))),
  ]);

  let signer = request.signer;
  let root: NewCa | undefined;
  if (request.newRoot && rootKeys) {
    const key = createPrivateKey(rootKeys.privateKeyPem);
    const certPem = buildCertificate(forge, rootRequest(request.newRoot), rootKeys.publicKeyPem, { selfSigned: key }, request.now);
    root = { keyPem: rootKeys.privateKeyPem, certPem };
    signer = signerOf(certPem, key);
  }

  const intermediates = new Map<string, NewCa>();
  for (const [i, { cluster, profile }] of request.intermediates.entries()) {
    if (!signer) throw new Error('createCaMaterial: intermediates need a signer or a new root');
    const keys = intermediateKeys[i];
    const certPem = buildCertificate(forge, intermediateRequest(profile, cluster), keys.publicKeyPem, { signer }, request.now);
    intermediates.set(cluster, { keyPem: keys.privateKeyPem, certPem });
  }
  return { root, intermediates };
}

export function signerOf(certPem: string, key: KeyObject): Signer {
  const cert = new X509Certificate(certPem);
  const fields = readCertificateFields(cert.raw);
  // A root without a subjectKeyIdentifier gets the identifier OpenSSL would compute (RFC 5280 method 1).
  const keyIdentifier =
    readSubjectKeyIdentifier(fields) ??
    createHash('sha1').update(readSubjectPublicKeyBits(cert.publicKey.export({ type: 'spki', format: 'der' }))).digest();
  return { key, rawSubject: fields.rawSubject, keyIdentifier };
}

interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

async function generateCaKeyPair(keyType: CaKeyType): Promise<KeyPairPem> {
  const spec = KEY_TYPES[keyType];
  const { privateKey, publicKey } =
    spec.type === 'rsa'
      ? await generateKeyPairAsync('rsa', {
          modulusLength: spec.modulusLength,
          publicExponent: spec.publicExponent,
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        })
      : await generateKeyPairAsync('ec', {
          namedCurve: spec.namedCurve,
          publicKeyEncoding: { type: 'spki', format: 'pem' },
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        });
  return { privateKeyPem: toLf(privateKey), publicKeyPem: publicKey };
}

type Issuer = { selfSigned: KeyObject } | { signer: Signer };

function buildCertificate(forge: Forge, request: CertificateRequest, subjectPublicKeyPem: string, issuer: Issuer, now: Date): string {
  const { pki, asn1, util } = forge;
  const signingKey = 'signer' in issuer ? issuer.signer.key : issuer.selfSigned;
  const algorithm = signatureAlgorithm(signingKey);

  const cert = pki.createCertificate();
  // forge encodes only RSA public keys: it gets a placeholder, and the subject's own
  // SubjectPublicKeyInfo (RSA or EC, as Node encodes it) replaces it in the TBSCertificate below.
  cert.publicKey = pki.setRsaPublicKey(new forge.jsbn.BigInteger('3', 10), new forge.jsbn.BigInteger('3', 10));
  const spkiDer = createPublicKey(subjectPublicKeyPem).export({ type: 'spki', format: 'der' });
  // RFC 5280 4.2.1.2 method 1, as OpenSSL computes it: SHA-1 of the subjectPublicKey bits
  const subjectKeyIdentifier = createHash('sha1').update(readSubjectPublicKeyBits(spkiDer)).digest();
  cert.serialNumber = randomSerialNumber();
  // X.509 times have whole seconds; validity starts now, as with `openssl x509 -req -days`.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + request.validityDays * DAY_MS);
  const subject = subjectAttributes(forge, request.subject);
  cert.setSubject(subject);
  cert.setIssuer(subject); // replaced below by the signer's own bytes when not self-signed
  cert.setExtensions(extensions(forge, request, subjectKeyIdentifier, 'signer' in issuer ? issuer.signer.keyIdentifier : undefined));
  cert.siginfo.algorithmOid = algorithm.oid;

  // getTBSCertificate exists in forge 1.x but is missing from @types/node-forge.
  const tbs = (pki as unknown as { getTBSCertificate(c: typeof cert): Asn1Types.Asn1 }).getTBSCertificate(cert);
  const tbsFields = tbs.value as Asn1Types.Asn1[];
  // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, spki, [3] extensions
  tbsFields[2] = algorithmIdentifier(forge, algorithm);
  tbsFields[6] = asn1.fromDer(util.createBuffer(spkiDer.toString('binary')));
  if ('signer' in issuer) tbsFields[3] = asn1.fromDer(util.createBuffer(issuer.signer.rawSubject.toString('binary')));

  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign(algorithm.hash, tbsDer, signingKey);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(forge, algorithm),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + signature.toString('binary')),
  ]);
  return derToPem(Buffer.from(asn1.toDer(certificate).getBytes(), 'binary'), 'CERTIFICATE');
}

function extensions({ asn1 }: Forge, request: CertificateRequest, subjectKeyIdentifier: Buffer, issuerKeyIdentifier: Buffer | undefined): object[] {
  const common = [
    // given as its encoded value: forge would compute it from the (placeholder) public key it holds
    { name: 'subjectKeyIdentifier', value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, subjectKeyIdentifier.toString('binary')) },
    request.kind === 'root'
      ? { name: 'basicConstraints', critical: true, cA: true }
      : { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
    { name: 'keyUsage', critical: true, ...CA_KEY_USAGE },
  ];
  if (request.kind === 'root') return common;
  return [
    ...common,
    { name: 'subjectAltName', altNames: [{ type: 2 /* dNSName */, value: ISTIOD_SAN_DNS }] },
    { name: 'authorityKeyIdentifier', keyIdentifier: issuerKeyIdentifier?.toString('binary') },
  ];
}

/** O, CN (and L) as UTF8String, in the Makefile's order, as `openssl req` with `utf8 = yes` writes them. */
function subjectAttributes(forge: Forge, subject: SubjectName) {
  // @types/node-forge declares valueTagClass as asn1.Class; forge reads it as an asn1.Type.
  const valueTagClass = forge.asn1.Type.UTF8 as number as Asn1Types.Class;
  const attributes = [
    { shortName: 'O', value: subject.organization, valueTagClass },
    { shortName: 'CN', value: subject.commonName, valueTagClass },
  ];
  if (subject.locality !== undefined) attributes.push({ shortName: 'L', value: subject.locality, valueTagClass });
  return attributes;
}

interface SignatureAlgorithm {
  oid: string;
  hash: 'sha256' | 'sha384';
  /** RSA algorithm identifiers carry NULL parameters; ECDSA ones carry none (RFC 5758) */
  nullParameters: boolean;
}

function signatureAlgorithm(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return { oid: '1.2.840.113549.1.1.11', hash: SIGNATURE_HASH, nullParameters: true }; // sha256WithRSAEncryption
  // a P-384 key signs with SHA-384 (the hash matching its strength, as RFC 5480 section 4 advises)
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1') return { oid: '1.2.840.10045.4.3.3', hash: 'sha384', nullParameters: false }; // ecdsa-with-SHA384
  if (key.asymmetricKeyType === 'ec') return { oid: '1.2.840.10045.4.3.2', hash: SIGNATURE_HASH, nullParameters: false }; // ecdsa-with-SHA256
  throw new Error(`cannot sign with a ${key.asymmetricKeyType} key`);
}

function algorithmIdentifier({ asn1 }: Forge, algorithm: SignatureAlgorithm) {
  const parts = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(algorithm.oid).getBytes())];
  if (algorithm.nullParameters) parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}

/** 16 random bytes, positive and minimally encoded: high bit clear, first byte not zero. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0] & 0x7f || 0x01;
  return bytes.toString('hex');
}
