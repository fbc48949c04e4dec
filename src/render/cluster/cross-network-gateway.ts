import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { Gateway, GatewaySpecServersTlsMode } from '../../imports/networking.istio.io.js';
import { ISTIO_NAMESPACE } from '../../model/mesh-model.js';
import { CROSS_NETWORK_PORT, EAST_WEST_SELECTOR } from '../helm/gateway-values.js';

// The Istio Gateway that opens the east-west gateway to other networks.

/** Istio's samples/multicluster/expose-services.yaml, with the namespace made explicit. */
export function crossNetworkGateway(): KubeObject {
  return kubeObject(Gateway, {
    metadata: { name: 'cross-network-gateway', namespace: ISTIO_NAMESPACE },
    spec: {
      selector: { ...EAST_WEST_SELECTOR },
      servers: [
        {
          port: { number: CROSS_NETWORK_PORT, name: 'tls', protocol: 'TLS' },
          tls: { mode: GatewaySpecServersTlsMode.AUTO_UNDERSCORE_PASSTHROUGH },
          hosts: ['*.local'],
        },
      ],
    },
  });
}
