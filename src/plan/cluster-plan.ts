import type { ClusterModel, MeshModel } from '../model/mesh-model.js';

// What one cluster gets, and why. The renderers follow this plan; out/README.md quotes the
// reasons so a reviewer can see where each part comes from.

export interface ClusterPlan {
  cluster: ClusterModel;
  /** label istio-system with topology.istio.io/network (reference 1.2) */
  labelNetwork: boolean;
  /** istio/gateway release istio-eastwestgateway (reference 1.3) */
  eastWestGateway: boolean;
  /** Gateway cross-network-gateway on 15443 (reference 1.4) */
  crossNetworkGateway: boolean;
  ingressGateway: boolean;
  reasons: string[];
}

export function planCluster(mesh: MeshModel, cluster: ClusterModel): ClusterPlan {
  const reasons: string[] = [];
  const labelNetwork = mesh.multiNetwork;
  if (labelNetwork) reasons.push(`istio-system is labelled topology.istio.io/network=${cluster.network}: the mesh spans ${mesh.networks.length} networks`);

  const eastWestGateway = cluster.eastWestGateway.enabled;
  if (eastWestGateway) {
    reasons.push(
      mesh.multiNetwork
        ? `east-west gateway: other networks reach network ${cluster.network} through it`
        : 'east-west gateway: enabled in mesh.yaml',
    );
  }
  // The Gateway routes cross-network mTLS on 15443 to local endpoints; it is needed wherever
  // traffic arrives from another network, i.e. on every multi-network cluster with a gateway.
  const crossNetworkGateway = mesh.multiNetwork && eastWestGateway;
  if (crossNetworkGateway) reasons.push('cross-network-gateway: exposes this cluster\'s services to other networks on port 15443');

  const ingressGateway = cluster.ingressGateway.enabled;
  if (ingressGateway) reasons.push('ingress gateway: enabled in mesh.yaml');
  return { cluster, labelNetwork, eastWestGateway, crossNetworkGateway, ingressGateway, reasons };
}
