import type { MeshModel } from '../model/mesh-model.js';

/**
 * How private material (the cacerts Secret, remote secrets) reaches a cluster:
 *   file             meshgen writes it under out/<cluster>/secrets/ (git-ignored), applied by kubectl
 *   by-hand          meshgen writes nothing private; out/README.md gives the command that creates it
 *                    (kubectl create secret from spec.pki.dir, istioctl create-remote-secret)
 *   external-secret  by reference (secrets.mode external-secrets): an ExternalSecret in manifests/
 *                    makes it from the store; nothing private is written or read
 *   cert-manager     cacerts only (pki.provider cert-manager): a Certificate in manifests/ makes it;
 *                    meshgen holds no CA key
 */
export type SecretDelivery = 'file' | 'by-hand' | 'external-secret' | 'cert-manager';

/** How remote secrets reach their readers (and cacerts, unless pki.provider decides otherwise). */
export function secretDelivery(mesh: MeshModel): SecretDelivery {
  if (mesh.secretsMode === 'external-secrets') return 'external-secret';
  return mesh.secretsMode === 'plain' ? 'file' : 'by-hand';
}

/** How a primary's cacerts Secret reaches it: cert-manager makes it whatever the secrets mode. */
export function cacertsDelivery(mesh: MeshModel): SecretDelivery {
  return mesh.pki.provider === 'cert-manager' ? 'cert-manager' : secretDelivery(mesh);
}

/** Deliveries that put an object in manifests/ instead of private material: nothing secret in out/. */
export function isByReference(delivery: SecretDelivery | undefined): boolean {
  return delivery === 'external-secret' || delivery === 'cert-manager';
}
