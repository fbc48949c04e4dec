import { kubeObject, type KubeObject, type ObjectMeta } from '../../resource/kube-object.js';
import {
  DestinationRule,
  DestinationRuleSpecTrafficPolicyTlsMode,
  Gateway,
  GatewaySpecServersTlsMode,
  ServiceEntry,
  ServiceEntrySpecLocation,
  ServiceEntrySpecResolution,
  type ServiceEntrySpecEndpoints,
  type ServiceEntrySpecPorts,
} from '../../imports/networking.istio.io.js';
import { ISTIO_NAMESPACE, type ClusterModel, type MeshModel } from '../../model/mesh-model.js';
import type { LegacyServiceModel } from '../../model/legacy-global.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { CROSS_NETWORK_PORT, EAST_WEST_SELECTOR } from '../helm/gateway-values.js';

// The Istio config of the legacy .global model: a ServiceEntry per
// service in every cluster, and on current Istio the DestinationRule and 15443 Gateway that
// the 1.4-1.7 charts rendered themselves (their multiCluster values; meshgen must not add a
// second 15443 Gateway there, as Istio's docs warn).
//
// Everything lives in istio-system: it exists in every cluster (a service's own namespace
// may not exist where it is only called), and config there is visible mesh-wide.

/**
 * networking.istio.io/v1 is served from Istio 1.22; 1.4-1.7 know v1alpha3. Every object here is
 * built from the v1 types (src/imports/); for 1.4-1.7 it is written as v1alpha3, whose schema
 * in Istio's CRDs is the same (scripts/import-crds.sh checks that for crd-all.gen.yaml).
 */
function atPlanVersion(plan: ClusterPlan, object: KubeObject): KubeObject {
  return plan.legacy?.istioOperator ? { ...object, apiVersion: 'networking.istio.io/v1alpha3' } : object;
}

export function legacyGlobalObjects(mesh: MeshModel, plan: ClusterPlan): KubeObject[] {
  const legacy = plan.legacy;
  if (!legacy) return [];
  const byName = clustersByName(mesh); // once per cluster, not once per entry
  const objects = legacy.services.map((service) => serviceEntry(mesh, plan, service, byName));
  if (legacy.destinationRule) objects.push(globalDestinationRule(plan));
  if (legacy.gateway) objects.push(globalGateway(plan));
  return objects;
}

/** Name of the DestinationRule and Gateway: Istio's charts called theirs istio-multicluster-*. */
export function legacyConfigName(suffix: string): string {
  return `istio-multicluster-${suffix}`;
}

const clustersByNameOf = new WeakMap<MeshModel, Map<string, MeshModel['clusters'][number]>>();

function clustersByName(mesh: MeshModel): Map<string, MeshModel['clusters'][number]> {
  let byName = clustersByNameOf.get(mesh);
  if (!byName) clustersByNameOf.set(mesh, (byName = new Map(mesh.clusters.map((c) => [c.name, c]))));
  return byName;
}

/**
 * <name>.<namespace>.<suffix> as seen from `plan.cluster`: its virtual IP, and one endpoint
 * per cluster that runs the service. Named after its host, which is unique and a valid name.
 */
export function serviceEntry(mesh: MeshModel, plan: ClusterPlan, service: LegacyServiceModel, byName = clustersByName(mesh)): KubeObject {
  const entry = kubeObject(ServiceEntry, {
    metadata: { name: service.host, namespace: ISTIO_NAMESPACE },
    spec: {
      hosts: [service.host],
      addresses: [service.vip],
      location: ServiceEntrySpecLocation.MESH_UNDERSCORE_INTERNAL,
      resolution: ServiceEntrySpecResolution.DNS,
      ports: service.ports.map((p): ServiceEntrySpecPorts => ({ name: p.name, number: p.number, protocol: p.protocol })),
      endpoints: service.servingClusters.map((name) => endpoint(plan.cluster, byName.get(name)!, service)),
    },
  });
  return atPlanVersion(plan, entry);
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
function endpoint(caller: ClusterModel, server: ClusterModel, service: LegacyServiceModel): ServiceEntrySpecEndpoints {
  const network = server.network;
  const locality = server.region ? (server.zone ? `${server.region}/${server.zone}` : server.region) : undefined;
  if (server.name === caller.name) return { address: `${service.name}.${service.namespace}.svc.cluster.local`, network, locality };
  const gateway = server.eastWestGateway;
  // semantic checks (MG2303) guarantee the address, and the node port of a NodePort gateway
  const port = gateway.serviceType === 'NodePort' ? gateway.nodePort! : CROSS_NETWORK_PORT;
  return { address: gateway.address!, ports: Object.fromEntries(service.ports.map((p) => [p.name, port])), network, locality };
}

/** mTLS with Istio certificates to every .global host: the gateways route by its SNI. */
export function globalDestinationRule(plan: ClusterPlan): KubeObject {
  const suffix = plan.legacy!.suffix;
  const rule = kubeObject(DestinationRule, {
    metadata: suffixConfigMetadata(suffix),
    spec: {
      host: `*.${suffix}`,
      trafficPolicy: { tls: { mode: DestinationRuleSpecTrafficPolicyTlsMode.ISTIO_UNDERSCORE_MUTUAL } },
    },
  });
  return atPlanVersion(plan, rule);
}

/**
 * Opens the east-west gateway to .global traffic from other clusters. AUTO_PASSTHROUGH
 * forwards by SNI (outbound_.<port>_._.<host>) to the cluster of that name, which exists
 * here because the serving cluster has the ServiceEntry too, with its local endpoint; current
 * Istio needs no EnvoyFilter to rewrite the name to .svc.cluster.local.
 */
export function globalGateway(plan: ClusterPlan): KubeObject {
  const suffix = plan.legacy!.suffix;
  const gateway = kubeObject(Gateway, {
    metadata: suffixConfigMetadata(suffix),
    spec: {
      selector: { ...EAST_WEST_SELECTOR },
      servers: [
        {
          port: { number: CROSS_NETWORK_PORT, name: 'tls', protocol: 'TLS' },
          tls: { mode: GatewaySpecServersTlsMode.AUTO_UNDERSCORE_PASSTHROUGH },
          hosts: [`*.${suffix}`],
        },
      ],
    },
  });
  return atPlanVersion(plan, gateway);
}

/** The mesh-wide config of the suffix is in istio-system. */
function suffixConfigMetadata(suffix: string): ObjectMeta {
  return { name: legacyConfigName(suffix), namespace: ISTIO_NAMESPACE };
}
