import { ISTIO_NAMESPACE } from '../../model/mesh-model.js';
import { kubeObject, manifestFileName, type KubeObject } from '../../resource/kube-object.js';
import { k8sClasses } from './k8s-classes.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';

/** Its file under manifests/: applied first, on its own, by every install path. */
export const NAMESPACE_MANIFEST = manifestFileName({ group: '', kind: 'Namespace', namespace: '', name: ISTIO_NAMESPACE });

/**
 * The istio-system Namespace: labelled with the cluster's network when the mesh has several,
 * and on a remote annotated with its managing primary, which then patches the remote's
 * webhooks and writes its root-cert ConfigMaps.
 */
export function istioSystemNamespace(plan: ClusterPlan): KubeObject {
  return kubeObject(k8sClasses().KubeNamespace, {
    metadata: {
      name: ISTIO_NAMESPACE,
      labels: plan.labelNetwork ? { 'topology.istio.io/network': plan.cluster.network } : undefined,
      annotations: annotations({
        ...(plan.controlPlane ? { 'topology.istio.io/controlPlaneClusters': plan.controlPlane.cluster.name } : {}),
        // it holds cacerts and the remote secrets: no GitOps tool may prune it
        ...plan.gitops.neverPrune,
      }),
    },
  });
}

function annotations(all: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(all).length ? all : undefined;
}
