import { type ClusterModel, type GatewayModel, type MeshModel } from '../../model/mesh-model.js';
import { EAST_WEST_GATEWAY_RELEASE, INGRESS_GATEWAY_RELEASE } from '../../plan/chart-releases.js';
import type { HelmValues } from './istio-values.js';

// Values of the gateways installed with the istio/gateway chart: the east-west gateway and
// the ingress gateway, each named after its release.

/** The chart derives the selector label istio=<name without "istio-">; the Gateway selects on it. */
export const EAST_WEST_SELECTOR = { istio: 'eastwestgateway' };
export const CROSS_NETWORK_PORT = 15443;

export function eastWestGatewayValues(mesh: MeshModel, cluster: ClusterModel): HelmValues {
  return {
    name: EAST_WEST_GATEWAY_RELEASE,
    // networkGateway alone switches the Service to the 15021/15443/15012/15017 ports and
    // labels it with the network; service.ports would be ignored.
    networkGateway: cluster.network,
    ...revision(mesh),
    service: serviceValues(cluster.eastWestGateway),
  };
}

export function ingressGatewayValues(mesh: MeshModel, cluster: ClusterModel): HelmValues {
  return {
    name: INGRESS_GATEWAY_RELEASE,
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
