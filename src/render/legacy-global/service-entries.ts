import type { KubeObject } from '../../resource/kube-object.js';
import { ISTIO_NAMESPACE, type ClusterModel, type MeshModel } from '../../model/mesh-model.js';
import type { LegacyServiceModel } from '../../model/legacy-global.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { CROSS_NETWORK_PORT, EAST_WEST_SELECTOR } from '../helm/gateway-values.js';

// The Istio config of the legacy .global model (reference section 5): a ServiceEntry per
// service in every cluster, and on current Istio the DestinationRule and 15443 Gateway that
// the 1.6-1.7 charts rendered themselves (their multiCluster values; meshgen must not add a
// second 15443 Gateway there, as Istio's docs warn).
//
// Everything lives in istio-system: it exists in every cluster (a service's own namespace
// may not exist where it is only called), and config there is visible mesh-wide.

/** networking.istio.io/v1 is served from Istio 1.22; 1.6-1.7 know v1alpha3. */
function networkingApiVersion(plan: ClusterPlan): string {
  return plan.legacy?.istioOperator ? 'networking.istio.io/v1alpha3' : 'networking.istio.io/v1';
}

export function legacyGlobalObjects(mesh: MeshModel, plan: ClusterPlan): KubeObject[] {
  const legacy = plan.legacy;
  if (!legacy) return [];
  const objects = legacy.services.map((service) => serviceEntry(mesh, plan, service));
  if (legacy.destinationRule) objects.push(globalDestinationRule(plan));
  if (legacy.gateway) objects.push(globalGateway(plan));
  return objects;
}

/** Name of the DestinationRule and Gateway: Istio's charts called theirs istio-multicluster-*. */
export function legacyConfigName(suffix: string): string {
  return `istio-multicluster-${suffix}`;
}

/**
 * <name>.<namespace>.<suffix> as seen from `plan.cluster`: its virtual IP, and one endpoint
 * per cluster that runs the service. Named after its host, which is unique and a valid name.
 */
export function serviceEntry(mesh: MeshModel, plan: ClusterPlan, service: LegacyServiceModel): KubeObject {
  const byName = new Map(mesh.clusters.map((c) => [c.name, c]));
  return {
    apiVersion: networkingApiVersion(plan),
    kind: 'ServiceEntry',
    metadata: { name: service.host, namespace: ISTIO_NAMESPACE },
    spec: {
      hosts: [service.host],
      addresses: [service.vip],
      location: 'MESH_INTERNAL',
      resolution: 'DNS',
      ports: service.ports.map((p) => ({ name: p.name, number: p.number, ...(p.protocol ? { protocol: p.protocol } : {}) })),
      endpoints: service.servingClusters.map((name) => endpoint(plan.cluster, byName.get(name)!, service)),
    },
  };
}

/**
 * In the serving cluster itself: the Kubernetes Service. Elsewhere: the serving cluster's
 * gateway on 15443 (its node port behind 15443 for a NodePort gateway), where
 * AUTO_PASSTHROUGH routes by the SNI the caller's ISTIO_MUTUAL connection carries.
 *
 * `network` is the serving cluster's. A caller's istiod knows no gateway for another
 * cluster's network (no remote secrets, no meshNetworks), and an endpoint on such a network
 * is sent as it is (istio pilot/pkg/xds/endpoints/ep_filters.go, EndpointsByNetworkFilter:
 * "len(gateways) == 0"; the same rule in 1.6-1.7's ep_filters.go). On a serving cluster's
 * east-west gateway, whose requested network view is its own network
 * (pilot/pkg/model/proxy_view.go), it keeps traffic that arrived from another cluster on
 * local endpoints instead of bouncing it to a third cluster's gateway.
 */
function endpoint(caller: ClusterModel, server: ClusterModel, service: LegacyServiceModel): Record<string, unknown> {
  const where: Record<string, unknown> = { network: server.network };
  if (server.region) where.locality = server.zone ? `${server.region}/${server.zone}` : server.region;
  if (server.name === caller.name) return { address: `${service.name}.${service.namespace}.svc.cluster.local`, ...where };
  const gateway = server.eastWestGateway;
  // semantic checks (MG2303) guarantee the address, and the node port of a NodePort gateway
  const port = gateway.serviceType === 'NodePort' ? gateway.nodePort! : CROSS_NETWORK_PORT;
  return { address: gateway.address!, ports: Object.fromEntries(service.ports.map((p) => [p.name, port])), ...where };
}

/** mTLS with Istio certificates to every .global host: the gateways route by its SNI. */
export function globalDestinationRule(plan: ClusterPlan): KubeObject {
  const suffix = plan.legacy!.suffix;
  return suffixConfig(plan, 'DestinationRule', {
    host: `*.${suffix}`,
    trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
  });
}

/**
 * Opens the east-west gateway to .global traffic from other clusters. AUTO_PASSTHROUGH
 * forwards by SNI (outbound_.<port>_._.<host>) to the cluster of that name, which exists
 * here because the serving cluster has the ServiceEntry too, with its local endpoint; current
 * Istio needs no EnvoyFilter to rewrite the name to .svc.cluster.local.
 */
export function globalGateway(plan: ClusterPlan): KubeObject {
  const suffix = plan.legacy!.suffix;
  return suffixConfig(plan, 'Gateway', {
    selector: { ...EAST_WEST_SELECTOR },
    servers: [
      {
        port: { number: CROSS_NETWORK_PORT, name: 'tls', protocol: 'TLS' },
        tls: { mode: 'AUTO_PASSTHROUGH' },
        hosts: [`*.${suffix}`],
      },
    ],
  });
}

/** The mesh-wide config of the suffix, in istio-system. */
function suffixConfig(plan: ClusterPlan, kind: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: networkingApiVersion(plan),
    kind,
    metadata: { name: legacyConfigName(plan.legacy!.suffix), namespace: ISTIO_NAMESPACE },
    spec,
  };
}
