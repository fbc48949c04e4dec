import type { ClusterModel, MeshModel } from '../model/mesh-model.js';

// Values for the istio/base and istio/istiod charts (reference 1.1, 2.1, 2.2). The istiod
// chart has no schema and ignores unknown keys, so every key here is checked against the
// chart's values.yaml by the conformance tests.

export type HelmValues = Record<string, unknown>;

export function istioBaseValues(mesh: MeshModel): HelmValues {
  // With a revision, the default validating webhook must point at that revision's istiod.
  return mesh.istio.revision ? { defaultRevision: mesh.istio.revision } : {};
}

export function istiodValues(mesh: MeshModel, cluster: ClusterModel): HelmValues {
  const values: HelmValues = {
    global: {
      meshID: mesh.meshID,
      multiCluster: { clusterName: cluster.name },
      network: cluster.network,
    },
    meshConfig: {
      trustDomain: mesh.trustDomain,
      ...dnsProxying(mesh),
    },
  };
  if (mesh.istio.revision) values.revision = mesh.istio.revision;
  return values;
}

/** Sidecar DNS proxying mesh-wide (reference section 5, "Modern replacement"). */
function dnsProxying(mesh: MeshModel): HelmValues {
  const proxyMetadata: Record<string, string> = {};
  if (mesh.dns.capture) proxyMetadata.ISTIO_META_DNS_CAPTURE = 'true';
  if (mesh.dns.autoAllocate) proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE = 'true';
  return Object.keys(proxyMetadata).length ? { defaultConfig: { proxyMetadata } } : {};
}
