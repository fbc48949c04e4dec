import { ISTIO_NAMESPACE } from '../model/mesh-model.js';
import type { KubeObject } from '../emit/file-names.js';
import type { ClusterPlan } from '../plan/cluster-plan.js';

/** The istio-system Namespace, carrying the cluster's network when the mesh has several (reference 1.2). */
export function istioSystemNamespace(plan: ClusterPlan): KubeObject {
  const metadata: KubeObject['metadata'] = { name: ISTIO_NAMESPACE };
  if (plan.labelNetwork) metadata.labels = { 'topology.istio.io/network': plan.cluster.network };
  return { apiVersion: 'v1', kind: 'Namespace', metadata };
}
