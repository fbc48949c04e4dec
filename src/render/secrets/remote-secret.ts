import { canonicalYaml } from '../../resource/canonical-yaml.js';
import type { KubeObject } from '../../resource/kube-object.js';
import type { ClusterCredentials } from '../../credentials/read-credentials.js';
import { ISTIO_NAMESPACE, type ClusterModel, type MeshModel } from '../../model/mesh-model.js';

// Endpoint discovery across clusters: each istiod that must see cluster X's endpoints holds
// a remote secret with a kubeconfig for X's istio-reader-service-account (reference 2.7, 3;
// gotchas 2, 11-13).

export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';
export const READER_TOKEN_SECRET = `${READER_SERVICE_ACCOUNT}-istio-remote-secret-token`;

/**
 * Which clusters read which: every primary reads every other cluster (primary or remote).
 * For a remote, that includes primaries other than its own; they read its endpoints and
 * leave its webhooks to the primary named in controlPlaneClusters (reference 2.7, inferred there).
 */
export function readersOf(mesh: MeshModel, cluster: ClusterModel): ClusterModel[] {
  // legacy .global: replicated control planes, each knowing only its own endpoints (reference section 5)
  if (mesh.legacyGlobal) return [];
  return mesh.clusters.filter((c) => c.role === 'primary' && c.name !== cluster.name);
}

/** The clusters another cluster must read, in name order. */
export function clustersRead(mesh: MeshModel): ClusterModel[] {
  return mesh.clusters.filter((c) => readersOf(mesh, c).length > 0);
}

/**
 * The long-lived token Secret for the reader service account, in each cluster that others
 * read. On Kubernetes 1.24+ nothing creates one; the token controller fills in `token` and
 * `ca.crt` once this exists (reference 3, gotcha 13).
 */
export function readerTokenSecret(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: READER_TOKEN_SECRET,
      namespace: ISTIO_NAMESPACE,
      annotations: { 'kubernetes.io/service-account.name': READER_SERVICE_ACCOUNT },
    },
    type: 'kubernetes.io/service-account-token',
  };
}

export function remoteSecretName(cluster: string): string {
  return `istio-remote-secret-${cluster}`;
}

/**
 * The Secret as `istioctl create-remote-secret --name <cluster>` makes it: the one data key
 * and every kubeconfig name equal the cluster's clusterName, which is what istiod uses as
 * the cluster ID (gotcha 2); the namespace is explicit (gotcha 11).
 */
export function remoteSecret(cluster: string, credentials: Required<ClusterCredentials>): KubeObject {
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { 'certificate-authority-data': credentials.caData, server: credentials.server } }],
    contexts: [{ name: cluster, context: { cluster, user: cluster } }],
    'current-context': cluster,
    users: [{ name: cluster, user: { token: credentials.token } }],
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: remoteSecretName(cluster),
      namespace: ISTIO_NAMESPACE,
      annotations: { 'networking.istio.io/cluster': cluster },
      labels: { 'istio/multiCluster': 'true' },
    },
    stringData: { [cluster]: canonicalYaml(kubeconfig) },
  };
}

export function isComplete(c: ClusterCredentials | undefined): c is Required<ClusterCredentials> {
  return c !== undefined && c.caData !== undefined && c.token !== undefined;
}
