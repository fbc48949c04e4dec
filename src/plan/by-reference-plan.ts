import { ISTIO_NAMESPACE, type ClusterModel, type MeshModel } from '../model/mesh-model.js';
import type { ResId } from '../resource/kube-object.js';
import { readersOf, type TopologyInput } from '../rules/topology.js';
import { cacertsDelivery, secretDelivery } from './secret-delivery.js';

// Private material by reference: what each cluster gets instead of a Secret with keys or tokens
// in it. secrets.mode external-secrets: a PushSecret in every cluster that others read (its
// reader kubeconfig into the store), an ExternalSecret per remote secret in every reader, and an
// ExternalSecret for cacerts on a primary (unless cert-manager makes it). pki.provider
// cert-manager: a Certificate that makes cacerts on every primary. The renderers in
// render/secrets/ build these objects from this plan; out/README.md names the keys.

/** The cacerts keys istiod reads in its classic form: the one-time upload puts these in the store. */
export const CACERTS_KEYS = ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem'] as const;

/** The property of a reader key in the store that holds the kubeconfig. */
export const KUBECONFIG_PROPERTY = 'kubeconfig';

/** The PushSecret in a read cluster: its reader kubeconfig, made from the token Secret, into the store. */
export const READER_PUSH_SECRET = 'istio-reader-kubeconfig';

export const CACERTS_SECRET = 'cacerts';

export interface ReaderPushPlan {
  /** the read cluster itself */
  cluster: ClusterModel;
  /** its API server, as its readers reach it (spec.clusters[].apiServer.url) */
  server: string;
  remoteKey: string;
}

export interface RemoteSecretPullPlan {
  /** the cluster the remote secret gives access to */
  read: ClusterModel;
  /** Secret (and ExternalSecret) name, as `istioctl create-remote-secret --name <read>` names it */
  name: string;
  remoteKey: string;
}

/**
 * cert-manager's spec.privateKey for the intermediate of each primary. cert-manager takes
 * RSA 2048/4096/8192 and ECDSA 256/384/521 (Certificate API reference).
 */
export interface CertificateKeyPlan {
  algorithm: 'RSA' | 'ECDSA';
  size: number;
}

/** spec.pki.keyType values (SPEC section 3) as cert-manager names them. */
const CERTIFICATE_KEYS: Record<'rsa-4096' | 'ecdsa-p256' | 'ecdsa-p384', CertificateKeyPlan> = {
  'rsa-4096': { algorithm: 'RSA', size: 4096 },
  'ecdsa-p256': { algorithm: 'ECDSA', size: 256 },
  'ecdsa-p384': { algorithm: 'ECDSA', size: 384 },
};

/** The key type of new CA keys: spec.pki.keyType (default rsa-4096, Istio's Makefile profile). */
export function caKeyType(mesh: MeshModel): keyof typeof CERTIFICATE_KEYS {
  return mesh.pki.keyType;
}

export interface CacertsCertificatePlan {
  issuerRef: { kind: string; name: string; group: string };
  privateKey: CertificateKeyPlan;
  /** the intermediate's subject, as meshgen's own CA makes it (Istio's Makefile profile) */
  commonName: string;
  organization: string;
  locality: string;
  validityDays: number;
}

export interface ByReferenceClusterPlan {
  /** a cluster others read, in mode external-secrets */
  readerPush?: ReaderPushPlan;
  /** the remote secrets this cluster's istiod holds, in mode external-secrets, by read cluster */
  remoteSecrets: RemoteSecretPullPlan[];
  /** a primary whose cacerts comes from the store: the key that the one-time upload fills */
  cacertsFromStore?: { remoteKey: string };
  /** a primary whose cacerts cert-manager makes */
  cacertsCertificate?: CacertsCertificatePlan;
  /** the object that makes cacerts: it goes with the istio-system Namespace, before istiod */
  cacertsObject?: ResId;
}

export function readerRemoteKey(mesh: MeshModel, cluster: string): string {
  return `${mesh.externalSecrets!.remoteKeyPrefix}/${cluster}/reader`;
}

export function cacertsRemoteKey(mesh: MeshModel, cluster: string): string {
  return `${mesh.externalSecrets!.remoteKeyPrefix}/${cluster}/cacerts`;
}

export function planByReference(mesh: MeshModel, topology: TopologyInput<ClusterModel>, cluster: ClusterModel, readers: readonly ClusterModel[]): ByReferenceClusterPlan {
  const plan: ByReferenceClusterPlan = { remoteSecrets: [] };
  if (secretDelivery(mesh) === 'external-secret') {
    // semantic checks guarantee an apiServer.url for every cluster that is read
    if (readers.length > 0) plan.readerPush = { cluster, server: cluster.apiServer?.url ?? '', remoteKey: readerRemoteKey(mesh, cluster.name) };
    plan.remoteSecrets = topology.clusters
      .filter((read) => readersOf(topology, read.name).some((r) => r.name === cluster.name))
      .map((read) => ({ read, name: `istio-remote-secret-${read.name}`, remoteKey: readerRemoteKey(mesh, read.name) }));
  }
  if (cluster.role !== 'primary') return plan;
  const delivery = cacertsDelivery(mesh);
  if (delivery === 'external-secret') {
    plan.cacertsFromStore = { remoteKey: cacertsRemoteKey(mesh, cluster.name) };
    plan.cacertsObject = { group: 'external-secrets.io', kind: 'ExternalSecret', namespace: ISTIO_NAMESPACE, name: CACERTS_SECRET };
  } else if (delivery === 'cert-manager') {
    const cm = mesh.pki.certManager!;
    plan.cacertsCertificate = {
      issuerRef: cm.issuerRef,
      privateKey: CERTIFICATE_KEYS[caKeyType(mesh)],
      commonName: mesh.pki.intermediate.commonName,
      organization: mesh.pki.intermediate.organization,
      locality: cluster.name,
      validityDays: mesh.pki.intermediate.validityDays,
    };
    plan.cacertsObject = { group: 'cert-manager.io', kind: 'Certificate', namespace: ISTIO_NAMESPACE, name: CACERTS_SECRET };
  }
  return plan;
}

/** For the build summary: what private material a cluster gets by reference, e.g. "cacerts by reference (cert-manager)". */
export function byReferenceSummary(plan: ByReferenceClusterPlan): string | undefined {
  const parts: string[] = [];
  if (plan.cacertsCertificate) parts.push('cacerts by reference (cert-manager)');
  if (plan.cacertsFromStore) parts.push('cacerts by reference (External Secrets)');
  const n = plan.remoteSecrets.length;
  if (n) parts.push(`${n} remote secret${n === 1 ? '' : 's'} by reference (External Secrets)`);
  if (plan.readerPush) parts.push('reader kubeconfig pushed to the store');
  return parts.length ? parts.join(', ') : undefined;
}
