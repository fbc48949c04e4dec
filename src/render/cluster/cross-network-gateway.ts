import type { KubeObject } from '../../resource/kube-object.js';
import { ISTIO_NAMESPACE } from '../../model/mesh-model.js';
import { CROSS_NETWORK_PORT, EAST_WEST_SELECTOR } from '../helm/gateway-values.js';

// The Istio Gateway that opens the east-west gateway to other networks.

/** Istio's samples/multicluster/expose-services.yaml, with the namespace made explicit. */
export function crossNetworkGateway(): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'cross-network-gateway', namespace: ISTIO_NAMESPACE },
    spec: {
      selector: { ...EAST_WEST_SELECTOR },
      servers: [
        {
          port: { number: CROSS_NETWORK_PORT, name: 'tls', protocol: 'TLS' },
          tls: { mode: 'AUTO_PASSTHROUGH' },
          hosts: ['*.local'],
        },
      ],
    },
  };
}
