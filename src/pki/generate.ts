import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { CaKeyType, CaProfile } from '../model/mesh-model.js';
import { readCertificateFields, readSubjectKeyIdentifier, readSubjectPublicKeyBits } from './der.js';
import { encodeCertificate, encodeTbsCertificate, type SignatureAlgorithm } from './certificate.js';
import { derToPem, toLf } from './pem.js';
import { parseCertificate } from './x509.js';
import {
  DAY_MS,
  intermediateRequest,
  KEY_TYPES,
  SIGNATURE_HASH,
  rootRequest,
  type CertificateRequest,
} from './profile.js';

// Creates new CA material with the Makefile's profile. Keys come from Node's native crypto
// (asynchronous, so all keys of a run generate in parallel on the libuv pool); certificate.ts
// encodes the TBSCertificate and Node signs it, which also works for an adopted EC root key.

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
  const [rootKeys, intermediateKeys] = await Promise.all([
    request.newRoot ? generateCaKeyPair(keyType) : undefined,
    Promise.all(request.intermediates.map(() => generateCaKeyPair(keyType))),
  ]);

  let signer = request.signer;
  let root: NewCa | undefined;
  if (request.newRoot && rootKeys) {
    const key = createPrivateKey(rootKeys.privateKeyPem);
    const certPem = buildCertificate(rootRequest(request.newRoot), rootKeys.publicKeyPem, { selfSigned: key }, request.now);
    root = { keyPem: rootKeys.privateKeyPem, certPem };
    signer = signerOf(certPem, key);
  }

  const intermediates = new Map<string, NewCa>();
  for (const [i, { cluster, profile }] of request.intermediates.entries()) {
    if (!signer) throw new Error('createCaMaterial: intermediates need a signer or a new root');
    const keys = intermediateKeys[i];
    const certPem = buildCertificate(intermediateRequest(profile, cluster), keys.publicKeyPem, { signer }, request.now);
    intermediates.set(cluster, { keyPem: keys.privateKeyPem, certPem });
  }
  return { root, intermediates };
}

export function signerOf(certPem: string, key: KeyObject): Signer {
  const cert = parseCertificate(certPem);
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

let certificatesBuilt = 0;

/** How many certificates this process has built (for tests that a build reused all material). */
export function certificateBuildCount(): number {
  return certificatesBuilt;
}

function buildCertificate(request: CertificateRequest, subjectPublicKeyPem: string, issuer: Issuer, now: Date): string {
  const signingKey = 'signer' in issuer ? issuer.signer.key : issuer.selfSigned;
  const algorithm = signatureAlgorithm(signingKey);
  const subjectPublicKeyInfo = createPublicKey(subjectPublicKeyPem).export({ type: 'spki', format: 'der' });
  // X.509 times have whole seconds; validity starts now, as with `openssl x509 -req -days`.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const tbsDer = encodeTbsCertificate({
    serialNumber: randomSerialNumber(),
    signature: algorithm,
    rawIssuer: 'signer' in issuer ? issuer.signer.rawSubject : undefined,
    notBefore,
    notAfter: new Date(notBefore.getTime() + request.validityDays * DAY_MS),
    subject: request.subject,
    subjectPublicKeyInfo,
    kind: request.kind,
    // RFC 5280 4.2.1.2 method 1, as OpenSSL computes it: SHA-1 of the subjectPublicKey bits
    subjectKeyIdentifier: createHash('sha1').update(readSubjectPublicKeyBits(subjectPublicKeyInfo)).digest(),
    authorityKeyIdentifier: 'signer' in issuer ? issuer.signer.keyIdentifier : undefined,
  });
  const signature = sign(algorithm.hash, tbsDer, signingKey);
  certificatesBuilt++;
  return derToPem(encodeCertificate(tbsDer, algorithm, signature), 'CERTIFICATE');
}

function signatureAlgorithm(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return { oid: '1.2.840.113549.1.1.11', hash: SIGNATURE_HASH, nullParameters: true }; // sha256WithRSAEncryption
  // a P-384 key signs with SHA-384 (the hash matching its strength, as RFC 5480 section 4 advises)
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1') return { oid: '1.2.840.10045.4.3.3', hash: 'sha384', nullParameters: false }; // ecdsa-with-SHA384
  if (key.asymmetricKeyType === 'ec') return { oid: '1.2.840.10045.4.3.2', hash: SIGNATURE_HASH, nullParameters: false }; // ecdsa-with-SHA256
  throw new Error(`cannot sign with a ${key.asymmetricKeyType} key`);
}

/** 16 random bytes, positive and minimally encoded: high bit clear, first byte not zero. */
function randomSerialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0] & 0x7f || 0x01;
  return bytes;
}
