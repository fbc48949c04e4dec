import type { KubeObject } from '../../resource/kube-object.js';
import type { ClusterModel, MeshModel, NamespaceModel } from '../../model/mesh-model.js';

// Application namespaces, labelled for their data plane: sidecar injection (by revision when
// one is set, reference gotcha 15), ambient, or none (reference 1.2).

export const VERIFICATION_NAMESPACE = 'sample';

export function appNamespaces(mesh: MeshModel, cluster: ClusterModel): KubeObject[] {
  const declared = mesh.namespaces.filter((n) => n.clusters.includes(cluster.name));
  const namespaces: NamespaceModel[] = [...declared];
  // Istio's multicluster verification runs in `sample`, with injection on, in every cluster.
  if (mesh.verification && !declared.some((n) => n.name === VERIFICATION_NAMESPACE)) {
    namespaces.push({ name: VERIFICATION_NAMESPACE, injection: 'sidecar', clusters: [cluster.name] });
  }
  return namespaces.map((n) => namespaceObject(mesh, n));
}

function namespaceObject(mesh: MeshModel, namespace: NamespaceModel): KubeObject {
  const labels = dataPlaneLabels(mesh, namespace.injection);
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace.name, ...(labels ? { labels } : {}) } };
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
