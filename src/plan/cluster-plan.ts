import type { ClusterModel, MeshModel } from '../model/mesh-model.js';
import { planLegacyCluster, type LegacyClusterPlan } from './legacy-plan.js';

// What one cluster gets, and why. The renderers follow this plan; out/README.md quotes the
// reasons so a reviewer can see where each part comes from.

export interface ClusterPlan {
  cluster: ClusterModel;
  /** label istio-system with topology.istio.io/network (reference 1.2) */
  labelNetwork: boolean;
  /** istio/gateway release istio-eastwestgateway (reference 1.3) */
  eastWestGateway: boolean;
  /** Gateway cross-network-gateway on 15443 (reference 1.4, gotcha 14) */
  crossNetworkGateway: boolean;
  ingressGateway: boolean;
  /** primaries: the remotes this istiod manages (sorted) */
  servedRemotes: string[];
  /** primaries serving remotes: istiod-gateway + istiod-vs, EXTERNAL_ISTIOD (reference 2.3) */
  exposeIstiod: boolean;
  /** remotes: the managing primary and the address its istiod is reached at */
  controlPlane?: { cluster: ClusterModel; address: string };
  /** spec.legacy.global: .global ServiceEntries, DNS stub and their Istio config */
  legacy?: LegacyClusterPlan;
  reasons: string[];
}

export function planCluster(mesh: MeshModel, cluster: ClusterModel): ClusterPlan {
  const reasons: string[] = [];
  const labelNetwork = mesh.multiNetwork;
  if (labelNetwork) reasons.push(`istio-system is labelled topology.istio.io/network=${cluster.network}: the mesh spans ${mesh.networks.length} networks`);

  const servedRemotes = mesh.clusters.filter((c) => c.role === 'remote' && c.controlPlane === cluster.name).map((c) => c.name);
  const exposeIstiod = cluster.role === 'primary' && servedRemotes.length > 0;
  if (exposeIstiod) reasons.push(`istiod is exposed on the east-west gateway (15012, 15017) for its remotes: ${servedRemotes.join(', ')}`);

  let controlPlane: ClusterPlan['controlPlane'];
  if (cluster.role === 'remote') {
    const primary = mesh.clusters.find((c) => c.name === cluster.controlPlane);
    // semantic checks guarantee the primary exists and has an east-west address
    if (!primary?.eastWestGateway.address) throw new Error(`internal: remote ${cluster.name} without a reachable control plane`);
    controlPlane = { cluster: primary, address: primary.eastWestGateway.address };
    reasons.push(`remote of ${primary.name}: no istiod here; sidecars are injected and configured by ${primary.name}'s istiod at ${controlPlane.address}`);
  }

  const legacyReasons: string[] = [];
  const legacy = planLegacyCluster(mesh, cluster, legacyReasons);
  // Istio 1.6-1.7 (legacy only): istio-ingressgateway from the IstioOperator is the gateway; no istio/gateway release
  const eastWestGateway = cluster.eastWestGateway.enabled && !legacy?.istioOperator;
  if (eastWestGateway && !exposeIstiod) {
    reasons.push(
      legacy?.gateway
        ? `east-west gateway: the other clusters reach this cluster's .${legacy.suffix} services through it`
        : mesh.multiNetwork
          ? `east-west gateway: other networks reach network ${cluster.network} through it`
          : 'east-west gateway: enabled in mesh.yaml',
    );
  }
  // The Gateway routes cross-network mTLS on 15443 to local endpoints. It is config, read by
  // the istiod that owns the cluster: every primary with a gateway, never a remote (its
  // primary's copy already covers the remote's gateway).
  // Legacy .global meshes route only *.<suffix> across clusters, with a Gateway of their own.
  const crossNetworkGateway = mesh.multiNetwork && eastWestGateway && cluster.role === 'primary' && !legacy;
  if (crossNetworkGateway) reasons.push(`cross-network-gateway: exposes services to other networks on port 15443${servedRemotes.length ? ', on this cluster\'s and its remotes\' east-west gateways' : ''}`);

  const ingressGateway = cluster.ingressGateway.enabled && !legacy?.istioOperator;
  if (ingressGateway) reasons.push('ingress gateway: enabled in mesh.yaml');
  reasons.push(...legacyReasons);
  return { cluster, labelNetwork, eastWestGateway, crossNetworkGateway, ingressGateway, servedRemotes, exposeIstiod, controlPlane, legacy, reasons };
}
