import type { KubeObject } from '../../resource/kube-object.js';
import type { ClusterModel, MeshModel, ServiceModel } from '../../model/mesh-model.js';

// A pod resolves a name through its own cluster's DNS, which knows only local Services. So
// a service that runs elsewhere needs a Service of the same name here, or the caller gets
// NXDOMAIN before the sidecar ever sees the request (reference gotcha 16). With Istio's DNS
// proxying on (spec.dns.capture) the sidecar answers instead, and no copy is needed.

/** Services this cluster calls but does not run, rendered so their names resolve here. */
export function sharedServices(mesh: MeshModel, cluster: ClusterModel): KubeObject[] {
  // legacy .global meshes reach other clusters by <svc>.<ns>.<suffix> ServiceEntries instead
  if (mesh.dns.capture || mesh.legacyGlobal) return [];
  return mesh.services.filter((s) => needsLocalService(mesh, s, cluster.name)).map(serviceObject);
}

/** A caller is a cluster where the service's namespace exists; one that runs the service has its own Service. */
export function needsLocalService(mesh: MeshModel, service: ServiceModel, cluster: string): boolean {
  const namespaceHere = mesh.namespaces.some((n) => n.name === service.namespace && n.clusters.includes(cluster));
  return namespaceHere && !service.clusters.includes(cluster);
}

function serviceObject(service: ServiceModel): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.name, namespace: service.namespace, labels: { app: service.name } },
    spec: {
      ports: service.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP' })),
      // without a selector the Service has no local endpoints: it exists for DNS, and the
      // sidecar sends the traffic to the clusters that run the service
      ...(service.selector ? { selector: { ...service.selector } } : {}),
    },
  };
}
