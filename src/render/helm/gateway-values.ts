import { ISTIO_NAMESPACE, type ClusterModel, type GatewayModel, type MeshModel } from '../../model/mesh-model.js';
import type { KubeObject } from '../../resource/kube-object.js';
import type { HelmValues } from './istio-values.js';

// Gateways installed with the istio/gateway chart, and the Istio Gateway resource that
// opens the east-west gateway to other networks. Facts: reference 1.3, 1.4, gotchas 4 and 5.

export const EAST_WEST_GATEWAY_NAME = 'istio-eastwestgateway';
/** The chart derives the selector label istio=<name without "istio-">; the Gateway selects on it. */
export const EAST_WEST_SELECTOR = { istio: 'eastwestgateway' };
export const INGRESS_GATEWAY_NAME = 'istio-ingressgateway';
export const CROSS_NETWORK_PORT = 15443;

export function eastWestGatewayValues(mesh: MeshModel, cluster: ClusterModel): HelmValues {
  return {
    name: EAST_WEST_GATEWAY_NAME,
    // networkGateway alone switches the Service to the 15021/15443/15012/15017 ports and
    // labels it with the network; service.ports would be ignored.
    networkGateway: cluster.network,
    ...revision(mesh),
    service: serviceValues(cluster.eastWestGateway),
  };
}

export function ingressGatewayValues(mesh: MeshModel, cluster: ClusterModel): HelmValues {
  return {
    name: INGRESS_GATEWAY_NAME,
    ...revision(mesh),
    service: serviceValues(cluster.ingressGateway),
  };
}

function serviceValues(gateway: GatewayModel): HelmValues {
  const service: HelmValues = { type: gateway.serviceType };
  if (Object.keys(gateway.annotations).length) service.annotations = { ...gateway.annotations };
  return service;
}

function revision(mesh: MeshModel): HelmValues {
  return mesh.istio.revision ? { revision: mesh.istio.revision } : {};
}

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
