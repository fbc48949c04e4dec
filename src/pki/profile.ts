import type { CaProfile } from '../model/mesh-model.js';

// The certificate profile of Istio's tools/certs (common.mk + Makefile.selfsigned.mk).
// Subjects and validity come from mesh.yaml (spec.pki.root/intermediate),
// whose defaults are the Makefile's; the rest is fixed here.

export const RSA_KEY_BITS = 4096;
export const RSA_PUBLIC_EXPONENT = 0x10001;
export const SIGNATURE_HASH = 'sha256';

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
