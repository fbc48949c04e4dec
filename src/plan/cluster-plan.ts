import type { ClusterModel, MeshModel, NamespaceModel, ServiceModel } from '../model/mesh-model.js';
import { readersOf, remotesServedBy, type TopologyInput } from '../rules/topology.js';
import { chartReleases, type ChartRelease } from './chart-releases.js';
import { planUpgrade, upgradeReleases } from './upgrade-plan.js';
import { planGitOps, type GitOpsClusterPlan } from './gitops-plan.js';
import { planLegacyCluster, type LegacyClusterPlan } from './legacy-plan.js';
import { planServices } from './services-plan.js';
import { planAmbientCluster, type AmbientClusterPlan } from './ambient-plan.js';
import { cacertsDelivery, clusterEncryption, privateSecretPath, type ClusterEncryption, type SecretDelivery } from './secret-delivery.js';
import { planByReference, type ByReferenceClusterPlan } from './by-reference-plan.js';
import { planEscapeHatches, type EscapeHatchPlan } from './overlays-plan.js';
import { planIngress, remoteIngressConfig, type IngressPlan } from './ingress-plan.js';

// What one cluster gets, and why. The renderers follow this plan and never re-derive topology;
// out/README.md quotes the reasons so a reviewer can see where each part comes from.

export interface ClusterPlan {
  cluster: ClusterModel;
  /** label istio-system with topology.istio.io/network */
  labelNetwork: boolean;
  /** istio/gateway release istio-eastwestgateway */
  eastWestGateway: boolean;
  /** Gateway cross-network-gateway on 15443 */
  crossNetworkGateway: boolean;
  ingressGateway: boolean;
  /** the ingress gateway's namespace and name, the services it serves, the Ingress in front */
  ingress?: IngressPlan;
  /** primaries: the ingress gateways of its remotes whose Gateways and VirtualServices are applied here (its istiod configures them) */
  remoteIngress: IngressPlan[];
  /** primaries: the remotes this istiod manages (sorted) */
  servedRemotes: string[];
  /** primaries serving remotes: istiod-gateway + istiod-vs, EXTERNAL_ISTIOD */
  exposeIstiod: boolean;
  /** remotes: the managing primary and the address its istiod is reached at */
  controlPlane?: { cluster: ClusterModel; address: string };
  /** the clusters whose istiod reads this cluster's endpoints (each holds its remote secret) */
  readers: ClusterModel[];
  /** the reader token Secret that those remote secrets are built from: when anyone reads this cluster */
  readerTokenSecret: boolean;
  /** a primary: it runs istiod with a plugged-in intermediate CA (its own, or with `pki.intermediates: shared` the mesh's one) */
  caMaterial: boolean;
  /**
   * How that CA reaches the cluster as the `cacerts` Secret: a file in out/<cluster>/secrets/
   * (secrets.mode plain), or created by hand from spec.pki.dir (secrets.mode omit), or by
   * reference: an ExternalSecret (secrets.mode external-secrets) or a cert-manager Certificate.
   */
  cacerts?: SecretDelivery;
  /** the objects that carry private material by reference (External Secrets, cert-manager) */
  byReference: ByReferenceClusterPlan;
  /** how Istio is installed here: Helm releases, or istioctl from istioctl/istio-operator.yaml */
  installer: 'helm' | 'istioctl';
  /** where the cacerts Secret is written under out/, when it is */
  cacertsPath?: string;
  /** secrets.mode sops or sealed-secrets: how this cluster's private Secrets are encrypted */
  encryption?: ClusterEncryption;
  /** Helm releases in install order (none where istioctl installs Istio) */
  releases: ChartRelease[];
  /** application namespaces, sorted, with the verification namespace where it is added */
  namespaces: NamespaceModel[];
  /** services this cluster calls but does not run: a DNS-only Service each */
  dnsServices: ServiceModel[];
  /** services with a cross-cluster traffic policy that this cluster's istiod applies */
  trafficPolicies: ServiceModel[];
  /** Istio's helloworld/sleep verification: the helloworld version this cluster runs, and where */
  verification?: { helloworldVersion: string; namespace: string };
  /** ambient namespaces here: istio-cni, ztunnel, istiod profile ambient, the ambient east-west Gateway */
  ambient?: AmbientClusterPlan;
  /** spec.legacy.global: .global ServiceEntries, DNS stub and their Istio config */
  legacy?: LegacyClusterPlan;
  gitops: GitOpsClusterPlan;
  /** Helm values overlays per release, and the cluster's extra manifests */
  escapeHatches: EscapeHatchPlan;
  reasons: string[];
}

export function planCluster(mesh: MeshModel, topology: TopologyInput<ClusterModel>, cluster: ClusterModel): ClusterPlan {
  const reasons: string[] = [];
  const labelNetwork = mesh.multiNetwork;
  if (labelNetwork) reasons.push(`istio-system is labelled topology.istio.io/network=${cluster.network}: the mesh spans ${mesh.networks.length} networks`);

  const servedRemotes = remotesServedBy(mesh.clusters, cluster.name).map((c) => c.name);
  const exposeIstiod = cluster.role === 'primary' && servedRemotes.length > 0;
  if (exposeIstiod) reasons.push(`istiod is exposed on the east-west gateway (15012, 15017) for its remotes: ${servedRemotes.join(', ')}`);

  let controlPlane: ClusterPlan['controlPlane'];
  if (cluster.role === 'remote') {
    const primary = mesh.clusters.find((c) => c.name === cluster.controlPlane);
    // semantic checks guarantee the primary exists and has an east-west address
    if (!primary?.eastWestGateway.address) throw new Error(`internal: remote ${cluster.name} without a reachable control plane`);
    controlPlane = { cluster: primary, address: primary.eastWestGateway.address };
    reasons.push(`remote of ${primary.name}: no istiod here; sidecars are injected and configured by ${primary.name}'s istiod at ${controlPlane.address}`);
  }

  const legacyReasons: string[] = [];
  const legacy = planLegacyCluster(mesh, cluster, legacyReasons);
  const istioOperator = legacy?.istioOperator ?? false;
  // spec.istio.installer: istioctl on current Istio: the same parts, as IstioOperator components instead of Helm releases
  const installer = istioOperator || mesh.istio.installer === 'istioctl' ? 'istioctl' : 'helm';
  if (installer === 'istioctl' && !istioOperator) reasons.push(`installed with istioctl from istioctl/istio-operator.yaml (profile ${cluster.role === 'remote' ? 'remote' : 'default'}${cluster.role === 'remote' ? ', its gateways injected by the primary once the remote secret is there' : ''})`);
  // Istio 1.4-1.7 (legacy only): istio-ingressgateway from the istioctl install file is the gateway; no istio/gateway release
  const eastWestGateway = cluster.eastWestGateway.enabled && !istioOperator;
  if (eastWestGateway && !exposeIstiod) {
    reasons.push(
      legacy?.gateway
        ? `east-west gateway: the other clusters reach this cluster's .${legacy.suffix} services through it`
        : mesh.multiNetwork
          ? `${mesh.namespaces.some((n) => n.injection === 'ambient') ? 'sidecar ' : ''}east-west gateway: other networks reach network ${cluster.network} through it`
          : 'east-west gateway: enabled in mesh.yaml',
    );
  }
  // The Gateway routes cross-network mTLS on 15443 to local endpoints. It is config, read by
  // the istiod that owns the cluster: every primary with a gateway, never a remote (its
  // primary's copy already covers the remote's gateway).
  // Legacy .global meshes route only *.<suffix> across clusters, with a Gateway of their own.
  const crossNetworkGateway = mesh.multiNetwork && eastWestGateway && cluster.role === 'primary' && !legacy;
  if (crossNetworkGateway) reasons.push(`cross-network-gateway: exposes services to other networks on port 15443${servedRemotes.length ? ', on this cluster\'s and its remotes\' east-west gateways' : ''}`);

  const ingressGateway = cluster.ingressGateway.enabled && !istioOperator;
  const ingress = planIngress(mesh, cluster, ingressGateway, reasons);
  const remoteIngress = remoteIngressConfig(mesh, cluster);
  for (const r of remoteIngress) reasons.push(`holds the Gateways and VirtualServices of ${r.cluster}'s ingress gateway (namespace ${r.namespace}), which this istiod configures: ${r.exposed.map((s) => `${s.name}.${s.namespace}`).join(', ')}`);
  reasons.push(...legacyReasons);
  const ambient = planAmbientCluster(mesh, cluster, reasons);

  const readers = readersOf(topology, cluster.name);
  // spec.istio.upgrade: the old and the new istiod side by side, each release at its chart version
  const releases = upgradeReleases(planUpgrade(mesh), chartReleases({ istioOperator: installer === 'istioctl', onRemote: controlPlane !== undefined, eastWestGateway, ingressGateway, ambient: ambient !== undefined, ingressNamespace: cluster.ingressGateway.namespace, revision: mesh.istio.revision }));
  const byReference = planByReference(mesh, topology, cluster, readers);
  const escapeHatches = planEscapeHatches(mesh, cluster, releases, reasons);
  return {
    cluster,
    labelNetwork,
    eastWestGateway,
    crossNetworkGateway,
    ingressGateway,
    ingress,
    remoteIngress,
    servedRemotes,
    exposeIstiod,
    controlPlane,
    readers,
    readerTokenSecret: readers.length > 0,
    caMaterial: cluster.role === 'primary',
    ...(cluster.role === 'primary'
      ? { cacerts: cacertsDelivery(mesh), cacertsPath: privateSecretPath(cacertsDelivery(mesh), cluster.name, 'cacerts'), encryption: clusterEncryption(mesh, cluster) }
      : {}),
    byReference,
    installer,
    releases,
    ...planServices(mesh, cluster),
    ambient,
    legacy,
    gitops: planGitOps(mesh, cluster, releases, ambient, byReference.cacertsObject ? [byReference.cacertsObject] : [], cluster.role === 'primary' ? cacertsDelivery(mesh) : undefined),
    escapeHatches,
    reasons,
  };
}
