import type { MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';

// Values for the istio/base and istio/istiod charts. The istiod
// chart has no schema and ignores unknown keys, so every key here is checked against the
// chart's values.yaml by the conformance tests.

export type HelmValues = Record<string, unknown>;

export function istioBaseValues(mesh: MeshModel, plan: ClusterPlan): HelmValues {
  const values: HelmValues = {};
  // As the docs install it; the base chart itself reads no remote-profile key (reference 1.1).
  if (plan.cluster.role === 'remote') values.profile = 'remote';
  // With a revision, the default validating webhook must point at that revision's istiod.
  if (mesh.istio.revision) values.defaultRevision = mesh.istio.revision;
  return values;
}

export function istiodValues(mesh: MeshModel, plan: ClusterPlan, clusterLocalHosts: readonly string[]): HelmValues {
  const cluster = plan.cluster;
  const global: HelmValues = {
    meshID: mesh.meshID,
    multiCluster: { clusterName: cluster.name },
    network: cluster.network,
  };
  const values: HelmValues = { global };
  if (plan.controlPlane) {
    // A remote runs no istiod: the chart renders the webhooks and an `istiod` Service that
    // points at the primary's east-west gateway; the injection path carries this cluster's identity.
    values.profile = 'remote';
    global.configCluster = true;
    global.remotePilotAddress = plan.controlPlane.address;
    values.istiodRemote = { injectionPath: `/inject/cluster/${cluster.name}/net/${cluster.network}` };
  } else {
    if (plan.exposeIstiod) global.externalIstiod = true;
    values.meshConfig = { trustDomain: mesh.trustDomain, ...dnsProxying(mesh), ...clusterLocalServices(clusterLocalHosts) };
  }
  if (mesh.istio.revision) values.revision = mesh.istio.revision;
  return values;
}

/**
 * Services whose traffic stays in the caller's own cluster: MeshConfig.serviceSettings with
 * settings.clusterLocal, one entry listing every such host (sorted, so adding one is a one-line diff).
 */
function clusterLocalServices(hosts: readonly string[]): HelmValues {
  return hosts.length ? { serviceSettings: [{ settings: { clusterLocal: true }, hosts: [...hosts] }] } : {};
}

/** Sidecar DNS proxying mesh-wide (reference section 5, "Modern replacement"). */
function dnsProxying(mesh: MeshModel): HelmValues {
  const proxyMetadata: Record<string, string> = {};
  if (mesh.dns.capture) proxyMetadata.ISTIO_META_DNS_CAPTURE = 'true';
  if (mesh.dns.autoAllocate) proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE = 'true';
  return Object.keys(proxyMetadata).length ? { defaultConfig: { proxyMetadata } } : {};
}
