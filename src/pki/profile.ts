import type { CaKeyType, CaProfile } from '../model/mesh-model.js';

// The certificate profile of Istio's tools/certs (common.mk + Makefile.selfsigned.mk).
// Subjects and validity come from mesh.yaml (spec.pki.root/intermediate),
// whose defaults are the Makefile's; the rest is fixed here.

export const RSA_KEY_BITS = 4096;
export const RSA_PUBLIC_EXPONENT = 0x10001;
export const SIGNATURE_HASH = 'sha256';

/**
 * How each spec.pki.keyType is generated. RSA-4096 is the Makefile's; the ECDSA curves are
 * the ones istiod signs with (its pkcs8/EC key parsing accepts both: security/pkg/pki/util).
 */
export const KEY_TYPES: Record<CaKeyType, { type: 'rsa'; modulusLength: number; publicExponent: number } | { type: 'ec'; namedCurve: 'P-256' | 'P-384' }> = {
  'rsa-4096': { type: 'rsa', modulusLength: RSA_KEY_BITS, publicExponent: RSA_PUBLIC_EXPONENT },
  'ecdsa-p256': { type: 'ec', namedCurve: 'P-256' },
  'ecdsa-p384': { type: 'ec', namedCurve: 'P-384' },
};

/** INTERMEDIATE_SAN_DNS: the name istiod serves its CA under. */
export const ISTIOD_SAN_DNS = 'istiod.istio-system.svc';

/** A CA certificate that expires sooner than this is worth a warning. */
export const EXPIRY_WARNING_DAYS = 30;

export const DAY_MS = 24 * 60 * 60 * 1000;

/** keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign (root and intermediates) */
export const CA_KEY_USAGE = {
  digitalSignature: true,
  nonRepudiation: true,
  keyEncipherment: true,
  keyCertSign: true,
} as const;

export interface SubjectName {
  organization: string;
  commonName: string;
  /** L: the Makefile sets it to the cluster (directory) name on intermediates */
  locality?: string;
}

export interface CertificateRequest {
  subject: SubjectName;
  validityDays: number;
  /** root: CA:true without pathlen; intermediate: CA:true, pathlen:0, SAN and AKI */
  kind: 'root' | 'intermediate';
}

export function rootRequest(profile: CaProfile): CertificateRequest {
  return {
    kind: 'root',
    subject: { organization: profile.organization, commonName: profile.commonName },
    validityDays: profile.validityDays,
  };
}

export function intermediateRequest(profile: CaProfile, cluster: string): CertificateRequest {
  return {
    kind: 'intermediate',
    subject: { organization: profile.organization, commonName: profile.commonName, locality: cluster },
    validityDays: profile.validityDays,
  };
}
