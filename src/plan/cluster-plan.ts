import type { ClusterModel, MeshModel, NamespaceModel, ServiceModel } from '../model/mesh-model.js';
import { readersOf, remotesServedBy, type TopologyInput } from '../rules/topology.js';
import { chartReleases, type ChartRelease } from './chart-releases.js';
import { planGitOps, type GitOpsClusterPlan } from './gitops-plan.js';
import { planLegacyCluster, type LegacyClusterPlan } from './legacy-plan.js';
import { planServices } from './services-plan.js';
import { clusterEncryption, privateSecretPath, secretDelivery, type ClusterEncryption, type SecretDelivery } from './secret-delivery.js';

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
  /** a primary: it runs istiod with a plugged-in intermediate CA of its own */
  caMaterial: boolean;
  /**
   * How that CA reaches the cluster as the `cacerts` Secret: a file in out/<cluster>/secrets/
   * (secrets.mode plain), or created by hand from spec.pki.dir (secrets.mode omit).
   */
  cacerts?: SecretDelivery;
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
  /** Istio's helloworld/sleep verification: the helloworld version this cluster runs */
  verification?: { helloworldVersion: 'v1' | 'v2' };
  /** spec.legacy.global: .global ServiceEntries, DNS stub and their Istio config */
  legacy?: LegacyClusterPlan;
  gitops: GitOpsClusterPlan;
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
  // Istio 1.6-1.7 (legacy only): istio-ingressgateway from the IstioOperator is the gateway; no istio/gateway release
  const eastWestGateway = cluster.eastWestGateway.enabled && !istioOperator;
  if (eastWestGateway && !exposeIstiod) {
    reasons.push(
      legacy?.gateway
        ? `east-west gateway: the other clusters reach this cluster's .${legacy.suffix} services through it`
        : mesh.multiNetwork
          ? `east-west gateway: other networks reach network ${cluster.network} through it`
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
  if (ingressGateway) reasons.push('ingress gateway: enabled in mesh.yaml');
  reasons.push(...legacyReasons);

  const readers = readersOf(topology, cluster.name);
  const releases = chartReleases({ istioOperator, onRemote: controlPlane !== undefined, eastWestGateway, ingressGateway });
  return {
    cluster,
    labelNetwork,
    eastWestGateway,
    crossNetworkGateway,
    ingressGateway,
    servedRemotes,
    exposeIstiod,
    controlPlane,
    readers,
    readerTokenSecret: readers.length > 0,
    caMaterial: cluster.role === 'primary',
    ...(cluster.role === 'primary'
      ? { cacerts: secretDelivery(mesh), cacertsPath: privateSecretPath(secretDelivery(mesh), cluster.name, 'cacerts'), encryption: clusterEncryption(mesh, cluster) }
      : {}),
    releases,
    ...planServices(mesh, cluster),
    legacy,
    gitops: planGitOps(mesh, cluster, releases),
    reasons,
  };
}
