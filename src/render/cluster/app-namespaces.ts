import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { k8sClasses } from './k8s-classes.js';
import type { MeshModel, NamespaceModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { namespaceRevisionLabel, type UpgradePlan } from '../../plan/upgrade-plan.js';

// Application namespaces, labelled for their data plane: sidecar injection (by revision when
// one is set), ambient, or none. They hold the users' workloads, so no GitOps tool may prune them.

export function appNamespaces(mesh: MeshModel, plan: ClusterPlan, upgrade?: UpgradePlan): KubeObject[] {
  return plan.namespaces.map((n) => namespaceObject(mesh, plan, n, upgrade));
}

function namespaceObject(mesh: MeshModel, plan: ClusterPlan, namespace: NamespaceModel, upgrade: UpgradePlan | undefined): KubeObject {
  const annotations = Object.keys(plan.gitops.neverPrune).length ? { ...plan.gitops.neverPrune } : undefined;
  return kubeObject(k8sClasses().KubeNamespace, { metadata: { name: namespace.name, labels: dataPlaneLabels(mesh, namespace, upgrade), annotations } });
}

function dataPlaneLabels(mesh: MeshModel, { name, injection }: NamespaceModel, upgrade: UpgradePlan | undefined): Record<string, string> | undefined {
  switch (injection) {
    case 'sidecar':
      // a canary upgrade: namespaces follow a revision tag, so they move when the tag moves
      if (upgrade) return { 'istio.io/rev': namespaceRevisionLabel(upgrade, name) };
      return mesh.istio.revision ? { 'istio.io/rev': mesh.istio.revision } : { 'istio-injection': 'enabled' };
    case 'ambient':
      return { 'istio.io/dataplane-mode': 'ambient' };
    case 'disabled':
      return undefined;
  }
}
