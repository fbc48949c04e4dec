import type { KubeObject } from '../../resource/kube-object.js';
import type { ServiceModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';

// Opt-in cross-cluster traffic policy per service: a DestinationRule, and a VirtualService for
// weighted splits. The plan says which clusters get them (primaries where the namespace exists).

/** Ejecting an endpoint is what lets locality load balancing fail over; Istio requires outlier detection for it. */
export const FAILOVER_OUTLIER_DETECTION = { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s' };
/** istiod labels every endpoint with the cluster it runs in. */
export const CLUSTER_LABEL = 'topology.istio.io/cluster';

const HTTP_PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC'];

export function trafficPolicies(plan: ClusterPlan): KubeObject[] {
  return plan.trafficPolicies.flatMap((service) => [destinationRule(service), ...(service.weights ? [weightedVirtualService(service, service.weights)] : [])]);
}

export function policyName(service: ServiceModel): string {
  return `${service.name}-cross-cluster`;
}

function destinationRule(service: ServiceModel): KubeObject {
  const spec: Record<string, unknown> = { host: service.host };
  if (service.localityFailover) {
    spec.trafficPolicy = { loadBalancer: { localityLbSetting: { enabled: true } }, outlierDetection: { ...FAILOVER_OUTLIER_DETECTION } };
  }
  if (service.weights) {
    spec.subsets = Object.keys(service.weights)
      .sort()
      .map((cluster) => ({ name: cluster, labels: { [CLUSTER_LABEL]: cluster } }));
  }
  return { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: policyName(service), namespace: service.namespace }, spec };
}

/** HTTP ports get an http route, the others a tcp route; with both kinds each route matches its port. */
function weightedVirtualService(service: ServiceModel, weights: Record<string, number>): KubeObject {
  const route = Object.keys(weights)
    .sort()
    .map((cluster) => ({ destination: { host: service.host, subset: cluster }, weight: weights[cluster] }));
  const httpPorts = service.ports.filter((p) => HTTP_PROTOCOLS.includes(p.protocol));
  const tcpPorts = service.ports.filter((p) => !HTTP_PROTOCOLS.includes(p.protocol));
  const mixed = httpPorts.length > 0 && tcpPorts.length > 0;
  const routes = (ports: typeof service.ports) => (mixed ? ports.map((p) => ({ match: [{ port: p.port }], route })) : [{ route }]);
  const spec: Record<string, unknown> = { hosts: [service.host] };
  if (httpPorts.length) spec.http = routes(httpPorts);
  if (tcpPorts.length) spec.tcp = routes(tcpPorts);
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: policyName(service), namespace: service.namespace }, spec };
}
