import { ISTIO_NAMESPACE, type ClusterModel, type MeshModel } from '../model/mesh-model.js';
import { manifestPath, secretsDir } from '../resource/out-layout.js';

/**
 * How private material (the cacerts Secret, remote secrets) reaches a cluster:
 *   file             meshgen writes it under out/<cluster>/secrets/ (git-ignored), applied by kubectl
 *   by-hand          meshgen writes nothing private; out/README.md gives the command that creates it
 *                    (kubectl create secret from spec.pki.dir, istioctl create-remote-secret)
 *   sops             meshgen writes it SOPS-encrypted (age) under out/<cluster>/secrets/, committed;
 *                    Flux decrypts it on apply
 *   sealed           meshgen writes it as a Bitnami SealedSecret under out/<cluster>/manifests/,
 *                    sealed offline with the cluster's controller certificate; the controller unseals it
 *   external-secret  by reference (secrets.mode external-secrets): an ExternalSecret in manifests/
 *                    makes it from the store; nothing private is written or read
 *   cert-manager     cacerts only (pki.provider cert-manager): a Certificate in manifests/ makes it;
 *                    meshgen holds no CA key
 */
export type SecretDelivery = 'file' | 'by-hand' | 'sops' | 'sealed' | 'external-secret' | 'cert-manager';

/** How remote secrets reach their readers (and cacerts, unless pki.provider decides otherwise). */
export function secretDelivery(mesh: MeshModel): SecretDelivery {
  switch (mesh.secretsMode) {
    case 'plain':
      return 'file';
    case 'sops':
      return 'sops';
    case 'sealed-secrets':
      return 'sealed';
    case 'external-secrets':
      return 'external-secret';
    default:
      return 'by-hand';
  }
}

/** Deliveries that need the private material at build time (the CA key, the reader tokens). */
export function carriesPrivateMaterial(delivery: SecretDelivery | undefined): boolean {
  return delivery === 'file' || delivery === 'sops' || delivery === 'sealed';
}

/** Deliveries whose files are encrypted, so they are committed and not git-ignored. */
export function isEncrypted(delivery: SecretDelivery | undefined): delivery is 'sops' | 'sealed' {
  return delivery === 'sops' || delivery === 'sealed';
}

/**
 * How one cluster's private files are encrypted: every SOPS file of the cluster is encrypted
 * for the mesh-wide recipients and the cluster's own (sorted, without duplicates); every
 * SealedSecret is sealed with the cluster's controller certificate, strict scope.
 */
export type ClusterEncryption =
  | { format: 'sops'; ageRecipients: string[] }
  | { format: 'sealed'; certFile: string; controllerName: string; controllerNamespace: string };

export function clusterEncryption(mesh: MeshModel, cluster: ClusterModel): ClusterEncryption | undefined {
  const delivery = secretDelivery(mesh);
  if (delivery === 'sops') return { format: 'sops', ageRecipients: [...new Set([...mesh.sopsAge, ...cluster.secrets.sopsAge])].sort() };
  // validation guarantees certFile where the cluster receives a private Secret (MG2604)
  if (delivery === 'sealed' && cluster.secrets.sealedCertFile !== undefined) {
    return { format: 'sealed', certFile: cluster.secrets.sealedCertFile, ...mesh.sealedSecrets };
  }
  return undefined;
}

/** A SealedSecret's API group and kind (bitnami-labs/sealed-secrets pkg/apis/sealedsecrets/v1alpha1/register.go). */
export const SEALED_SECRET_GROUP = 'bitnami.com';
export const SEALED_SECRET_KIND = 'SealedSecret';

/**
 * Where a private Secret (namespace istio-system) of `cluster` is written: a SealedSecret is an
 * ordinary manifest in manifests/; everything else is under secrets/ (git-ignored when plain).
 */
export function privateSecretPath(delivery: SecretDelivery | undefined, cluster: string, name: string): string {
  if (delivery === 'sealed') return manifestPath(cluster, { group: SEALED_SECRET_GROUP, kind: SEALED_SECRET_KIND, namespace: ISTIO_NAMESPACE, name });
  return `${secretsDir(cluster)}/${name}.yaml`;
}

/** How a primary's cacerts Secret reaches it: cert-manager makes it whatever the secrets mode. */
export function cacertsDelivery(mesh: MeshModel): SecretDelivery {
  return mesh.pki.provider === 'cert-manager' ? 'cert-manager' : secretDelivery(mesh);
}

/** Deliveries that put an object in manifests/ instead of private material: nothing secret in out/. */
export function isByReference(delivery: SecretDelivery | undefined): boolean {
  return delivery === 'external-secret' || delivery === 'cert-manager';
}
