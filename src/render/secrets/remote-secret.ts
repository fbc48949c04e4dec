import { canonicalYaml } from '../../resource/canonical-yaml.js';
import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { k8sClasses } from '../cluster/k8s-classes.js';
import type { ClusterCredentials } from '../../credentials/read-credentials.js';
import { ISTIO_NAMESPACE } from '../../model/mesh-model.js';
import type { RemoteSecretPlan } from '../../plan/mesh-plan.js';

/** The kubeconfig (clientcmd v1 Config) inside a remote secret: the fields istiod reads. */
interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: { 'certificate-authority-data': string; server: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
  users: { name: string; user: { token: string } }[];
}

/**
 * The Secret as `istioctl create-remote-secret --name <cluster>` makes it: the one data key
 * and every kubeconfig name equal the cluster's clusterName, which is what istiod uses as
 * the cluster ID; the namespace is explicit.
 */
export function remoteSecret(secret: RemoteSecretPlan, credentials: Required<ClusterCredentials>): KubeObject {
  const cluster = secret.read.name;
  return kubeObject(k8sClasses().KubeSecret, {
    metadata: {
      name: secret.name,
      namespace: ISTIO_NAMESPACE,
      annotations: { 'networking.istio.io/cluster': cluster },
      labels: { 'istio/multiCluster': 'true' },
    },
    stringData: { [cluster]: kubeconfigText(cluster, credentials) },
  });
}

/**
 * The kubeconfig of a remote secret, as text. The External Secrets mode renders the same text
 * as a template, with the token and CA left to be filled in the cluster (external-secrets.ts).
 */
export function kubeconfigText(cluster: string, credentials: Required<ClusterCredentials>): string {
  const kubeconfig: Kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { 'certificate-authority-data': credentials.caData, server: credentials.server } }],
    contexts: [{ name: cluster, context: { cluster, user: cluster } }],
    'current-context': cluster,
    users: [{ name: cluster, user: { token: credentials.token } }],
  };
  return canonicalYaml(kubeconfig);
}

export function isComplete(c: ClusterCredentials | undefined): c is Required<ClusterCredentials> {
  return c !== undefined && c.caData !== undefined && c.token !== undefined;
}
