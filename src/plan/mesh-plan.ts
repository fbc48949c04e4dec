import type { ClusterModel, MeshModel } from '../model/mesh-model.js';
import { clustersRead, primariesOf, type TopologyInput } from '../rules/topology.js';
import { remoteSecretPath } from '../resource/out-layout.js';
import { networkingApiVersion } from '../rules/istio-versions.js';
import { planCluster, type ClusterPlan } from './cluster-plan.js';
import { carriesPrivateMaterial, privateSecretPath, secretDelivery, type SecretDelivery } from './secret-delivery.js';
import { planRotation, type RotationPlan } from './rotation-plan.js';
import { planUpgrade, type UpgradePlan } from './upgrade-plan.js';
import { intermediateSlots, type IntermediateSlot } from '../rules/pki-intermediates.js';

// The plan stage: everything the later stages need, decided once from the model. pki makes CA
// material for `caClusters`, credentials reads the API servers of `readClusters`, render turns
// each cluster plan into objects and files, and out/README.md quotes the plan's reasons.

export interface RemoteSecretPlan {
  /** the cluster whose istiod holds the secret */
  reader: ClusterModel;
  /** the cluster it gives access to */
  read: ClusterModel;
  /** Secret name, as `istioctl create-remote-secret --name <read>` makes it */
  name: string;
  /** under out/ */
  path: string;
}

export interface MeshPlan {
  /** sorted by cluster name */
  clusters: ClusterPlan[];
  /** primaries first: a remote's sidecars and gateways are injected by its primary's istiod */
  installOrder: ClusterPlan[];
  /** the clusters that run istiod, sorted; each signs with an intermediate CA (its own, or one shared: see intermediates) */
  primaries: ClusterModel[];
  /** spec.pki.intermediates: the intermediate CAs, each with the primaries that sign with it and its place in spec.pki.dir */
  intermediates: IntermediateSlot[];
  /** the clusters another cluster reads: their API server CA and reader token are needed */
  readClusters: ClusterModel[];
  /** how remote secrets reach their readers */
  remoteSecretDelivery: SecretDelivery;
  /** every remote secret meshgen renders as a file (none when they are made by hand), by read cluster, then reader */
  remoteSecrets: RemoteSecretPlan[];
  /** hosts whose traffic stays in the caller's cluster (MeshConfig.serviceSettings), sorted */
  clusterLocalHosts: string[];
  /** spec.pki.rotation: the phase of a staged root rotation in progress */
  rotation?: RotationPlan;
  /** spec.istio.upgrade: the phase of a canary control-plane upgrade in progress */
  upgrade?: UpgradePlan;
  /** the apiVersion of Istio's networking config in istio.version (v1 from 1.22, v1beta1 before) */
  networkingApiVersion: string;
}

export function remoteSecretName(cluster: string): string {
  return `istio-remote-secret-${cluster}`;
}

export function planMesh(mesh: MeshModel): MeshPlan {
  const topology: TopologyInput<ClusterModel> = { clusters: mesh.clusters, legacyGlobal: mesh.legacyGlobal !== undefined };
  const clusters = mesh.clusters.map((cluster) => planCluster(mesh, topology, cluster));
  const remoteSecretDelivery = secretDelivery(mesh);
  const remoteSecrets: RemoteSecretPlan[] =
    carriesPrivateMaterial(remoteSecretDelivery)
      ? clusters.flatMap(({ cluster: read, readers }) =>
          readers.map((reader) => ({ reader, read, name: remoteSecretName(read.name), path: privateSecretPath(remoteSecretDelivery, reader.name, remoteSecretName(read.name)) })),
        )
      : [];
  return {
    clusters,
    installOrder: [...clusters.filter((p) => p.cluster.role === 'primary'), ...clusters.filter((p) => p.cluster.role === 'remote')],
    primaries: primariesOf(mesh.clusters),
    intermediates: mesh.pki.provider === 'cert-manager' ? [] : intermediateSlots(mesh.pki.intermediates, primariesOf(mesh.clusters).map((c) => c.name)),
    readClusters: clustersRead(topology),
    remoteSecretDelivery,
    remoteSecrets,
    // a legacy .global mesh has no cross-cluster endpoints to keep out
    clusterLocalHosts: mesh.legacyGlobal ? [] : mesh.services.filter((s) => s.clusterLocal).map((s) => s.host).sort(),
    ...(mesh.pki.rotation ? { rotation: planRotation(mesh) } : {}),
    ...(mesh.istio.upgrade ? { upgrade: planUpgrade(mesh) } : {}),
    networkingApiVersion: networkingApiVersion(mesh.istio.parsed),
  };
}
