import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import {
  DestinationRule,
  VirtualService,
  type DestinationRuleSpecSubsets,
  type DestinationRuleSpecTrafficPolicyOutlierDetection,
  type VirtualServiceSpec,
  type VirtualServiceSpecHttp,
  type VirtualServiceSpecHttpRoute,
  type VirtualServiceSpecTcp,
  type VirtualServiceSpecTcpRoute,
} from '../../imports/networking.istio.io.js';
import type { ServiceModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';

// Opt-in cross-cluster traffic policy per service: a DestinationRule, and a VirtualService for
// weighted splits. The plan says which clusters get them (primaries where the namespace exists).

/**
 * Ejecting an endpoint is what lets locality load balancing fail over; Istio requires outlier
 * detection for it. (`cdk8s import` spells the CRD's consecutive5xxErrors as consecutive5XxErrors;
 * manifest() writes it back.)
 */
export const FAILOVER_OUTLIER_DETECTION: DestinationRuleSpecTrafficPolicyOutlierDetection = { consecutive5XxErrors: 5, interval: '10s', baseEjectionTime: '30s' };
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
  const weights = service.weights;
  return kubeObject(DestinationRule, {
    metadata: { name: policyName(service), namespace: service.namespace },
    spec: {
      host: service.host,
      trafficPolicy: service.localityFailover ? { loadBalancer: { localityLbSetting: { enabled: true } }, outlierDetection: { ...FAILOVER_OUTLIER_DETECTION } } : undefined,
      subsets: weights
        ? Object.keys(weights)
            .sort()
            .map((cluster): DestinationRuleSpecSubsets => ({ name: cluster, labels: { [CLUSTER_LABEL]: cluster } }))
        : undefined,
    },
  });
}

/** A route written both as an http and as a tcp route, so it is checked as both. */
type PortRoute = VirtualServiceSpecHttp & VirtualServiceSpecTcp;

/** HTTP ports get an http route, the others a tcp route; with both kinds each route matches its port. */
function weightedVirtualService(service: ServiceModel, weights: Record<string, number>): KubeObject {
  const route = Object.keys(weights)
    .sort()
    .map((cluster): VirtualServiceSpecHttpRoute & VirtualServiceSpecTcpRoute => ({ destination: { host: service.host, subset: cluster }, weight: weights[cluster] }));
  const httpPorts = service.ports.filter((p) => HTTP_PROTOCOLS.includes(p.protocol));
  const tcpPorts = service.ports.filter((p) => !HTTP_PROTOCOLS.includes(p.protocol));
  const mixed = httpPorts.length > 0 && tcpPorts.length > 0;
  const routes = (ports: typeof service.ports): PortRoute[] => (mixed ? ports.map((p): PortRoute => ({ match: [{ port: p.port }], route })) : [{ route }]);
  const spec: VirtualServiceSpec = {
    hosts: [service.host],
    http: httpPorts.length ? routes(httpPorts) : undefined,
    tcp: tcpPorts.length ? routes(tcpPorts) : undefined,
  };
  return kubeObject(VirtualService, { metadata: { name: policyName(service), namespace: service.namespace }, spec });
}
