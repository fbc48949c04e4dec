import { type ClusterModel, type GatewayModel, type MeshModel } from '../../model/mesh-model.js';
import { GATEWAY_STATUS_PORT, INGRESS_HTTP_PORT, INGRESS_HTTPS_PORT } from '../../plan/ingress-plan.js';
import { EAST_WEST_GATEWAY_RELEASE } from '../../plan/chart-releases.js';

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
  /** extra labels of the pods and the Service (the chart keeps its own `istio.io/dataplane-mode: none`) */
  labels?: Record<string, string>;
  /** extra container environment */
  env?: Record<string, string>;
  service: GatewayServiceValues;
}

export interface GatewayServiceValues {
  type: GatewayModel['serviceType'];
  annotations?: Record<string, string>;
  /** replaces the chart's default ports (ignored while networkGateway is set) */
  ports?: GatewayServicePort[];
}

/** One entry of the chart's service.ports, copied into the Service as written (templates/service.yaml). */
export interface GatewayServicePort {
  name: string;
  port: number;
  protocol: 'TCP';
  targetPort: number;
  nodePort?: number;
}

/** The chart derives the selector label istio=<name without "istio-">; the Gateway selects on it. */
export const EAST_WEST_SELECTOR = { istio: 'eastwestgateway' };
export const CROSS_NETWORK_PORT = 15443;

export function eastWestGatewayValues(mesh: MeshModel, cluster: ClusterModel): GatewayValues {
  const nodePort = cluster.eastWestGateway.nodePort;
  if (nodePort !== undefined) return pinnedEastWestGatewayValues(mesh, cluster, nodePort);
  return {
    name: EAST_WEST_GATEWAY_RELEASE,
    // networkGateway alone switches the Service to the 15021/15443/15012/15017 ports and
    // labels it with the network; service.ports would be ignored.
    networkGateway: cluster.network,
    ...revision(mesh),
    service: serviceValues(cluster.eastWestGateway),
  };
}

/**
 * A pinned node port behind 15443. The chart's networkGateway path writes each of the four
 * ports from networkGatewayPorts with name, port, targetPort and protocol only, so it cannot
 * carry a nodePort (templates/_helpers.tpl, gateway.networkGatewayPort, Istio 1.30), and it
 * replaces service.ports. So the network gateway is spelled out instead: the same four ports in
 * service.ports, 15443 with its node port, and what networkGateway would add as labels
 * (topology.istio.io/network on the pods and the Service, which istiod looks for) and env
 * (ISTIO_META_REQUESTED_NETWORK_VIEW). Charts before 1.30 hard-code the same four ports.
 */
function pinnedEastWestGatewayValues(mesh: MeshModel, cluster: ClusterModel, nodePort: number): GatewayValues {
  const port = (name: string, number: number, pinned?: number): GatewayServicePort => ({ name, port: number, protocol: 'TCP', targetPort: number, ...(pinned !== undefined ? { nodePort: pinned } : {}) });
  return {
    name: EAST_WEST_GATEWAY_RELEASE,
    ...revision(mesh),
    labels: { 'topology.istio.io/network': cluster.network },
    env: { ISTIO_META_REQUESTED_NETWORK_VIEW: cluster.network },
    service: {
      ...serviceValues(cluster.eastWestGateway),
      ports: [port('status-port', GATEWAY_STATUS_PORT), port('tls', CROSS_NETWORK_PORT, nodePort), port('tls-istiod', 15012), port('tls-webhook', 15017)],
    },
  };
}

export function ingressGatewayValues(mesh: MeshModel, cluster: ClusterModel): GatewayValues {
  const gateway = cluster.ingressGateway;
  const service = serviceValues(gateway);
  const { http, https, status } = gateway.nodePorts;
  if (http !== undefined || https !== undefined || status !== undefined) {
    // the chart's default ports (values.yaml service.ports), with the node ports mesh.yaml pins
    const port = (name: string, number: number, pinned?: number): GatewayServicePort => ({ name, port: number, protocol: 'TCP', targetPort: number, ...(pinned !== undefined ? { nodePort: pinned } : {}) });
    service.ports = [port('status-port', GATEWAY_STATUS_PORT, status), port('http2', INGRESS_HTTP_PORT, http), port('https', INGRESS_HTTPS_PORT, https)];
  }
  return {
    name: gateway.name,
    ...revision(mesh),
    service,
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
