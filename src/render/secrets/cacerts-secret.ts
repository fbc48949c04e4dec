import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { k8sClasses } from '../cluster/k8s-classes.js';
import { ISTIO_NAMESPACE } from '../../model/mesh-model.js';
import type { ClusterCaMaterial } from '../../pki/plan.js';

/**
 * The `cacerts` Secret istiod reads its plugged-in CA from. All four keys
 * or none: istiod refuses a partial bundle. No `istio-generated` key, which would mark it self-signed.
 */
export function cacertsSecret(material: ClusterCaMaterial): KubeObject {
  if (material.caKeyPem === undefined) {
    throw new Error(`cacertsSecret: cluster "${material.cluster}" has no CA key`);
  }
  const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return kubeObject(k8sClasses().KubeSecret, {
    metadata: { name: 'cacerts', namespace: ISTIO_NAMESPACE },
    type: 'Opaque',
    data: {
      'ca-cert.pem': base64(material.caCertPem),
      'ca-key.pem': base64(material.caKeyPem),
      'cert-chain.pem': base64(material.certChainPem),
      'root-cert.pem': base64(material.rootCertPem),
    },
  });
}
