import type { ClusterModel } from '../../model/mesh-model.js';

// The commands in out/README.md name each cluster's kubectl context by a shell variable.

/** CTX_<CLUSTER>, as in Istio's multicluster guides. */
export function contextVariable(cluster: ClusterModel): string {
  return `CTX_${cluster.name.toUpperCase().replace(/-/g, '_')}`;
}

/** The variable as a quoted command argument: "$CTX_EAST" */
export function contextOf(cluster: ClusterModel): string {
  return `"$${contextVariable(cluster)}"`;
}
