import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { k8sClasses } from './k8s-classes.js';
import type { MeshModel, NamespaceModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';

// Application namespaces, labelled for their data plane: sidecar injection (by revision when
// one is set), ambient, or none.

export function appNamespaces(mesh: MeshModel, plan: ClusterPlan): KubeObject[] {
  return plan.namespaces.map((n) => namespaceObject(mesh, n));
}

function namespaceObject(mesh: MeshModel, namespace: NamespaceModel): KubeObject {
  return kubeObject(k8sClasses().KubeNamespace, { metadata: { name: namespace.name, labels: dataPlaneLabels(mesh, namespace.injection) } });
}

function dataPlaneLabels(mesh: MeshModel, injection: NamespaceModel['injection']): Record<string, string> | undefined {
  switch (injection) {
    case 'sidecar':
      return mesh.istio.revision ? { 'istio.io/rev': mesh.istio.revision } : { 'istio-injection': 'enabled' };
    case 'ambient':
      return { 'istio.io/dataplane-mode': 'ambient' };
    case 'disabled':
      return undefined;
  }
}
