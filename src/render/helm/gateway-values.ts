import { type ClusterModel, type GatewayModel, type MeshModel } from '../../model/mesh-model.js';
import { EAST_WEST_GATEWAY_RELEASE, INGRESS_GATEWAY_RELEASE } from '../../plan/chart-releases.js';

// Values of the gateways installed with the istio/gateway chart: the east-west gateway and
// the ingress gateway, each named after its release.

/**
 * istio/gateway values meshgen sets (manifests/charts/gateway/values.yaml; the chart's
 * values.schema.json, which the conformance tests apply, forbids unknown top-level keys).
 */
export interface GatewayValues {
  name: string;
  /** the network of a network gateway: switches the Service to the east-west ports and labels it */
  networkGateway?: string;
  revision?: string;
  service: GatewayServiceValues;
}

export interface GatewayServiceValues {
  type: GatewayModel['serviceType'];
  annotations?: Record<string, string>;
}

/** The chart derives the selector label istio=<name without "istio-">; the Gateway selects on it. */
export const EAST_WEST_SELECTOR = { istio: 'eastwestgateway' };
export const CROSS_NETWORK_PORT = 15443;

export function eastWestGatewayValues(mesh: MeshModel, cluster: ClusterModel): GatewayValues {
  return {
    name: EAST_WEST_GATEWAY_RELEASE,
    // networkGateway alone switches the Service to the 15021/15443/15012/15017 ports and
    // labels it with the network; service.ports would be ignored.
    networkGateway: cluster.network,
    ...revision(mesh),
    service: serviceValues(cluster.eastWestGateway),
  };
}

export function ingressGatewayValues(mesh: MeshModel, cluster: ClusterModel): GatewayValues {
  return {
    name: INGRESS_GATEWAY_RELEASE,
    ...revision(mesh),
    service: serviceValues(cluster.ingressGateway),
  };
}

function serviceValues(gateway: GatewayModel): GatewayServiceValues {
  const service: GatewayServiceValues = { type: gateway.serviceType };
  if (Object.keys(gateway.annotations).length) service.annotations = { ...gateway.annotations };
  return service;
}

function revision(mesh: MeshModel): Pick<GatewayValues, 'revision'> {
  return mesh.istio.revision ? { revision: mesh.istio.revision } : {};
}
