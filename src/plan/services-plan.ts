import type { ClusterModel, MeshModel, NamespaceModel, ServiceModel } from '../model/mesh-model.js';

// Which application namespaces, DNS-only Services and traffic policies one cluster gets.
//
// A pod resolves a name through its own cluster's DNS, which knows only local Services. So a
// service that runs elsewhere needs a Service of the same name here, or the caller gets
// NXDOMAIN before the sidecar ever sees the request. With Istio's DNS proxying on
// (spec.dns.capture) the sidecar answers instead, and no copy is needed. A legacy .global mesh
// reaches other clusters by <name>.<namespace>.<suffix> ServiceEntries instead, and has no
// cross-cluster endpoint discovery for traffic policies to act on.

export interface ServicesPlan {
  namespaces: NamespaceModel[];
  dnsServices: ServiceModel[];
  trafficPolicies: ServiceModel[];
  verification?: { helloworldVersion: string; namespace: string };
}

export function planServices(mesh: MeshModel, cluster: ClusterModel): ServicesPlan {
  const declared = mesh.namespaces.filter((n) => n.clusters.includes(cluster.name));
  const namespaces: NamespaceModel[] = [...declared];
  // Istio's multicluster verification runs in spec.verification.namespace (default sample), with injection on, in every cluster
  if (mesh.verification && !declared.some((n) => n.name === mesh.verificationNamespace)) {
    namespaces.push({ name: mesh.verificationNamespace, injection: 'sidecar', clusters: [cluster.name] });
  }
  const hasNamespace = (service: ServiceModel) => declared.some((n) => n.name === service.namespace);
  const crossClusterServices = !mesh.legacyGlobal;
  return {
    namespaces,
    dnsServices: crossClusterServices && !mesh.dns.capture ? mesh.services.filter((s) => hasNamespace(s) && !s.clusters.includes(cluster.name)) : [],
    // Istio config is read by the istiod of the cluster it is applied in: primaries only
    trafficPolicies: crossClusterServices && cluster.role === 'primary' ? mesh.services.filter((s) => (s.localityFailover || s.weights) && hasNamespace(s)) : [],
    ...(mesh.verification ? { verification: { helloworldVersion: helloworldVersion(cluster), namespace: mesh.verificationNamespace } } : {}),
  };
}

/**
 * v1 for the first cluster of mesh.yaml, v2 for the second, v3 for the third, ...: one version
 * per cluster, so a reply names the cluster that answered and every pair of clusters is seen.
 */
export function helloworldVersion(cluster: ClusterModel): string {
  return `v${cluster.index + 1}`;
}
