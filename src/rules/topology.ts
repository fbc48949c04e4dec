import type { MeshSpec } from './mesh-spec.js';

// The topology rules of a mesh: which clusters run istiod, which istiod manages which remote,
// and which istiod reads which cluster's endpoints. Validation asks them of mesh.yaml as
// written; the plan asks them of the model. Each rule is written here once.

export type Role = 'primary' | 'remote';

/** A cluster as the topology rules see it: a ClusterSpec (role still optional) or a ClusterModel. */
export interface TopologyCluster {
  name: string;
  role?: Role;
  controlPlane?: string;
}

/** What the rules need of the whole mesh. */
export interface TopologyInput<C extends TopologyCluster = TopologyCluster> {
  clusters: readonly C[];
  /** spec.legacy.global.enabled: replicated control planes, each knowing only its own cluster */
  legacyGlobal: boolean;
}

/** A cluster without `role` is a primary: it runs its own istiod. */
export const DEFAULT_ROLE: Role = 'primary';

export function roleOf(cluster: TopologyCluster): Role {
  return cluster.role ?? DEFAULT_ROLE;
}

export function isPrimary(cluster: TopologyCluster): boolean {
  return roleOf(cluster) === 'primary';
}

/** The clusters that run istiod, and so need an intermediate CA of their own. */
export function primariesOf<C extends TopologyCluster>(clusters: readonly C[]): C[] {
  return clusters.filter(isPrimary);
}

/** The remotes whose sidecars and webhooks the istiod of `primary` serves. */
export function remotesServedBy<C extends TopologyCluster>(clusters: readonly C[], primary: string): C[] {
  return clusters.filter((c) => roleOf(c) === 'remote' && c.controlPlane === primary);
}

/**
 * Who reads whom: every primary's istiod reads every other cluster (primary or remote), through
 * that cluster's remote secret. For a remote this includes primaries other than its own; they
 * read its endpoints and leave its webhooks to the primary named in controlPlaneClusters.
 * In a legacy .global mesh no cluster reads another: each istiod knows only its own endpoints.
 */
export function readersOf<C extends TopologyCluster>(mesh: TopologyInput<C>, cluster: string): C[] {
  if (mesh.legacyGlobal) return [];
  return mesh.clusters.filter((c) => isPrimary(c) && c.name !== cluster);
}

/** True when some other cluster's istiod reads this cluster, so it needs an API server URL and a reader token. */
export function isRead(mesh: TopologyInput, cluster: string): boolean {
  return readersOf(mesh, cluster).length > 0;
}

/** The clusters that some other cluster reads, in the order given. */
export function clustersRead<C extends TopologyCluster>(mesh: TopologyInput<C>): C[] {
  return mesh.clusters.filter((c) => isRead(mesh, c.name));
}

/** The topology of mesh.yaml as written, before the model applies its defaults (for validation). */
export function topologyOfSpec(spec: MeshSpec): TopologyInput<MeshSpec['clusters'][number]> {
  return { clusters: spec.clusters, legacyGlobal: isLegacyGlobal(spec) };
}

// --- legacy .global --------------------------------------------------------------------------

/** The DNS suffix of the legacy names, <name>.<namespace>.<suffix>, when mesh.yaml gives none. */
export const DEFAULT_GLOBAL_SUFFIX = 'global';

export function isLegacyGlobal(spec: MeshSpec): boolean {
  return spec.legacy?.global?.enabled === true;
}

export function legacySuffixOf(spec: MeshSpec): string {
  return spec.legacy?.global?.suffix ?? DEFAULT_GLOBAL_SUFFIX;
}

/** Remote secrets are rendered unless spec.secrets.mode is omit. */
export function rendersRemoteSecrets(spec: MeshSpec): boolean {
  return (spec.secrets?.mode ?? 'plain') !== 'omit';
}
