import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { k8sClasses } from './k8s-classes.js';
import { ISTIO_NAMESPACE } from '../../model/mesh-model.js';

// Endpoint discovery across clusters: each istiod that must see cluster X's endpoints holds a
// remote secret with a kubeconfig for X's istio-reader-service-account. That kubeconfig's token
// comes from this Secret, in each cluster that others read.

export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';
export const READER_TOKEN_SECRET = `${READER_SERVICE_ACCOUNT}-istio-remote-secret-token`;

/**
 * The long-lived token Secret for the reader service account. On Kubernetes 1.24+ nothing
 * creates one; the token controller fills in `token` and `ca.crt` once this exists.
 */
export function readerTokenSecret(): KubeObject {
  return kubeObject(k8sClasses().KubeSecret, {
    metadata: {
      name: READER_TOKEN_SECRET,
      namespace: ISTIO_NAMESPACE,
      annotations: { 'kubernetes.io/service-account.name': READER_SERVICE_ACCOUNT },
    },
    type: 'kubernetes.io/service-account-token',
  });
}
