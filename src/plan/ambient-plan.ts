import type { ClusterModel, MeshModel, NamespaceModel } from '../model/mesh-model.js';
import { ambientGatewayApiVersion, gatewayApiInstallUrl, gatewayApiVersion } from '../rules/ambient.js';

// What a cluster with ambient namespaces gets (issue #17), and why. Facts:
// ../shared/reference/gitops-secrets.md section 6 and Istio's "Install ambient multicluster"
// guide (istio.io docs/ambient/install/multicluster/multi-primary_multi-network):
//
//   istiod       profile ambient; on a multi-network mesh env AMBIENT_ENABLE_MULTI_NETWORK=true
//                (default false in 1.30.3: istio:pilot/pkg/features/ambient.go)
//   istio-cni    chart cni, profile ambient
//   ztunnel      chart ztunnel, multiCluster.clusterName and global.network (the chart
//                flattens global onto the top level and reads .Values.network)
//   east-west    a Gateway API Gateway of class istio-east-west with an HBONE listener on 15008
//                (istio:samples/multicluster/gen-eastwest-gateway.sh --ambient), beside the
//                sidecar east-west gateway (istio/gateway chart, 15443) where sidecar traffic
//                crosses networks too: one gateway cannot serve both modes (istio/istio#60887)
//
// AMBIENT_ENABLE_MULTI_NETWORK_INGRESS is left at its default (false): turning it on changed
// how ingress gateways reach other networks in a mixed sidecar/ambient mesh (istio/istio#60609).

/** Not istio-eastwestgateway: istiod names the Deployment, Service and ServiceAccount of an
 * istio-east-west Gateway after the Gateway itself (DisableNameSuffix in istio:pilot/pkg/config/kube/
 * gatewaycommon/classinfo.go), and the sidecar east-west release already owns that name. */
export const AMBIENT_EAST_WEST_GATEWAY = 'istio-ambient-eastwestgateway';
/** istio:pkg/config/constants/constants.go EastWestGatewayClassName */
export const EAST_WEST_GATEWAY_CLASS = 'istio-east-west';

export interface AmbientClusterPlan {
  /** istiod env AMBIENT_ENABLE_MULTI_NETWORK: ambient namespaces here span networks */
  multiNetwork: boolean;
  /** the ambient east-west Gateway, where this cluster's ambient namespaces span networks */
  eastWestGateway?: { name: string; apiVersion: ReturnType<typeof ambientGatewayApiVersion> };
  /** the Gateway API release whose standard CRDs are installed first */
  gatewayApi: { version: string; installUrl: string };
  /**
   * Ambient namespaces of more than one cluster, sorted: their Services are GLOBAL in istiod's
   * meshConfig.serviceScopeConfigs (selected by the namespace's kubernetes.io/metadata.name label,
   * which the API server sets, so meshgen labels no object it does not own).
   */
  globalNamespaces: string[];
}

/** Ambient namespaces that exist in more than one cluster: the ones whose services cross clusters. */
export function globalAmbientNamespaces(mesh: MeshModel): NamespaceModel[] {
  return mesh.namespaces.filter((n) => n.injection === 'ambient' && n.clusters.length > 1);
}

/** Whether `namespaces` put a namespace in `cluster` and in a cluster on another network. */
export function spansNetworks(mesh: MeshModel, cluster: ClusterModel, namespaces: readonly NamespaceModel[]): boolean {
  const networkOf = new Map(mesh.clusters.map((c) => [c.name, c.network]));
  return namespaces.some((n) => n.clusters.includes(cluster.name) && n.clusters.some((other) => networkOf.get(other) !== cluster.network));
}

/** undefined for a cluster without ambient namespaces: it keeps the sidecar-only install. */
export function planAmbientCluster(mesh: MeshModel, cluster: ClusterModel, reasons: string[]): AmbientClusterPlan | undefined {
  const ambient = mesh.namespaces.filter((n) => n.injection === 'ambient');
  const here = ambient.filter((n) => n.clusters.includes(cluster.name));
  if (here.length === 0) return undefined;
  const version = mesh.istio.parsed;
  const multiNetwork = mesh.multiNetwork && spansNetworks(mesh, cluster, ambient);
  const gatewayApi = { version: gatewayApiVersion(version), installUrl: gatewayApiInstallUrl(gatewayApiVersion(version)) };
  const globalNamespaces = globalAmbientNamespaces(mesh).map((n) => n.name);

  reasons.push(
    `ambient data plane for ${here.map((n) => n.name).join(', ')}: istiod with profile ambient, istio-cni and ztunnel (cluster ${cluster.name}, network ${cluster.network}); Gateway API ${gatewayApi.version} CRDs first`,
  );
  if (multiNetwork) reasons.push('AMBIENT_ENABLE_MULTI_NETWORK on istiod: ambient namespaces here span networks');
  const eastWestGateway = multiNetwork && !cluster.eastWestGateway.disabledByUser ? { name: AMBIENT_EAST_WEST_GATEWAY, apiVersion: ambientGatewayApiVersion(version) } : undefined;
  if (eastWestGateway) reasons.push(`ambient east-west gateway: Gateway ${eastWestGateway.name} (class ${EAST_WEST_GATEWAY_CLASS}, HBONE on 15008): other networks' ztunnels reach network ${cluster.network} through it`);
  if (globalNamespaces.length) reasons.push(`services of ${globalNamespaces.join(', ')} are GLOBAL (meshConfig.serviceScopeConfigs): ambient discovers other clusters' endpoints only for global services`);
  return { multiNetwork, eastWestGateway, gatewayApi, globalNamespaces };
}
