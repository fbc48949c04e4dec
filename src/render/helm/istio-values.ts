import type { MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import { istiodAmbientValues, type ServiceScopeConfig } from '../ambient/ambient-values.js';

// Values for the istio/base and istio/istiod charts. Neither chart has a schema, and both
// ignore unknown keys; the interfaces below list the keys meshgen sets, as the charts'
// values.yaml names them (under `_internal_defaults_do_not_set`, which users set at the top
// level), so a misspelled key is a compile error. The conformance tests check every rendered
// key against values.yaml as well.

/** `profile` is read by each chart's files/profile-<name>.yaml, not listed in values.yaml. */
export type ChartProfile = 'remote' | 'ambient';

/** istio/base (manifests/charts/base/values.yaml). */
export interface IstioBaseValues {
  profile?: ChartProfile;
  /** the revision the default validating webhook points at */
  defaultRevision?: string;
}

/** istio/istiod (manifests/charts/istio-control/istio-discovery/values.yaml). */
export interface IstiodValues {
  profile?: ChartProfile;
  revision?: string;
  global: IstiodGlobalValues;
  istiodRemote?: { injectionPath: string };
  meshConfig?: MeshConfigValues;
  /** revision tags this release's webhooks answer for (templates/revision-tags-mwc.yaml): a canary upgrade */
  revisionTags?: string[];
  /** istiod's own environment (`env` in the chart's values.yaml since 1.24; istioctl's pilot.env) */
  env?: PilotEnv;
}

/** istiod environment variables meshgen sets: multi-root trust during a root rotation; ambient multi-network. */
export interface PilotEnv {
  ISTIO_MULTIROOT_MESH?: 'true';
  /** ambient namespaces across networks (issue #17) */
  AMBIENT_ENABLE_MULTI_NETWORK?: 'true';
}

/** istiod's `global` values meshgen sets. */
export interface IstiodGlobalValues {
  meshID: string;
  multiCluster: { clusterName: string };
  network: string;
  configCluster?: boolean;
  remotePilotAddress?: string;
  externalIstiod?: boolean;
  /** the injector's outbound capture (comma-separated ranges; the chart's default is "*") */
  proxy?: { includeIPRanges: string };
}

/** `meshConfig`, which the chart passes through as Istio's MeshConfig: the fields meshgen sets. */
export interface MeshConfigValues {
  trustDomain: string;
  defaultConfig?: { proxyMetadata: ProxyMetadata };
  serviceSettings?: { settings: { clusterLocal: boolean }; hosts: string[] }[];
  /** ambient: which Services other clusters' ztunnels and waypoints discover */
  serviceScopeConfigs?: ServiceScopeConfig[];
}

/** Environment of every sidecar (ProxyConfig.proxyMetadata): the DNS proxying switches. */
export interface ProxyMetadata {
  ISTIO_META_DNS_CAPTURE?: 'true';
  ISTIO_META_DNS_AUTO_ALLOCATE?: 'true';
  /** the agent takes trust bundle changes from istiod (PCDS) and re-requests its certificate: a root rotation */
  PROXY_CONFIG_XDS_AGENT?: 'true';
}

export function istioBaseValues(mesh: MeshModel, plan: ClusterPlan): IstioBaseValues {
  const values: IstioBaseValues = {};
  // As the docs install it; the base chart itself reads no remote-profile key.
  if (plan.cluster.role === 'remote') values.profile = 'remote';
  // With a revision, the default validating webhook must point at that revision's istiod.
  if (mesh.istio.revision) values.defaultRevision = mesh.istio.revision;
  return values;
}

export function istiodValues(mesh: MeshModel, plan: ClusterPlan, clusterLocalHosts: readonly string[], multiRoot = false): IstiodValues {
  const cluster = plan.cluster;
  const global: IstiodGlobalValues = {
    meshID: mesh.meshID,
    multiCluster: { clusterName: cluster.name },
    network: cluster.network,
  };
  const values: IstiodValues = { global };
  if (plan.controlPlane) {
    // A remote runs no istiod: the chart renders the webhooks and an `istiod` Service that
    // points at the primary's east-west gateway; the injection path carries this cluster's identity.
    values.profile = 'remote';
    global.configCluster = true;
    global.remotePilotAddress = plan.controlPlane.address;
    values.istiodRemote = { injectionPath: `/inject/cluster/${cluster.name}/net/${cluster.network}` };
  } else {
    if (plan.exposeIstiod) global.externalIstiod = true;
    // read by the injection template (traffic.sidecar.istio.io/includeOutboundIPRanges) of the
    // pods this istiod injects, its remotes' included: only a primary's values reach them
    if (cluster.includeIPRanges) global.proxy = { includeIPRanges: cluster.includeIPRanges.ranges.join(',') };
    values.meshConfig = { trustDomain: mesh.trustDomain, ...dnsProxying(mesh, multiRoot), ...clusterLocalServices(clusterLocalHosts) };
    if (plan.ambient) {
      // ambient clusters are primaries: a mesh with ambient namespaces has no remotes (MG2901)
      const { profile, env, serviceScopeConfigs } = istiodAmbientValues(plan.ambient);
      values.profile = profile;
      if (env) values.env = { ...env };
      if (serviceScopeConfigs) values.meshConfig.serviceScopeConfigs = serviceScopeConfigs;
    }
    // A root rotation: istiod rejects a changed root bundle in cacerts without ISTIO_MULTIROOT_MESH
    // and sends proxies the bundle only with it; PROXY_CONFIG_XDS_AGENT makes the agents take it
    // (istio/istio pilot/pkg/bootstrap/istio_ca.go, security/pkg/nodeagent/cache/secretcache.go;
    // the values of tests/integration/security/cacert_rotation/main_test.go).
    if (multiRoot) values.env = { ...values.env, ISTIO_MULTIROOT_MESH: 'true' };
  }
  if (mesh.istio.revision) values.revision = mesh.istio.revision;
  return values;
}

/**
 * Services whose traffic stays in the caller's own cluster: MeshConfig.serviceSettings with
 * settings.clusterLocal, one entry listing every such host (sorted, so adding one is a one-line diff).
 */
function clusterLocalServices(hosts: readonly string[]): Pick<MeshConfigValues, 'serviceSettings'> {
  return hosts.length ? { serviceSettings: [{ settings: { clusterLocal: true }, hosts: [...hosts] }] } : {};
}

/** Sidecar DNS proxying mesh-wide. */
function dnsProxying(mesh: MeshModel, multiRoot: boolean): Pick<MeshConfigValues, 'defaultConfig'> {
  const proxyMetadata: ProxyMetadata = {};
  if (multiRoot) proxyMetadata.PROXY_CONFIG_XDS_AGENT = 'true';
  if (mesh.dns.capture) proxyMetadata.ISTIO_META_DNS_CAPTURE = 'true';
  if (mesh.dns.autoAllocate) proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE = 'true';
  return Object.keys(proxyMetadata).length ? { defaultConfig: { proxyMetadata } } : {};
}
