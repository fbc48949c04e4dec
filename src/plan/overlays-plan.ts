import type { ClusterModel, MeshModel } from '../model/mesh-model.js';
import { OVERLAY_RELEASES, type OverlayRelease } from '../rules/helm-overlays.js';
import type { ChartRelease } from './chart-releases.js';

// The escape hatches of one cluster, decided once: which Helm values overlays apply to which
// of its releases, in merge order, and where its extra manifests come from. The render stage
// merges and writes them; it decides nothing about them.

/** One overlay of a release: where it is in mesh.yaml (for the README) and its values. */
export interface OverlayLayer {
  from: string;
  values: Record<string, unknown>;
}

export interface EscapeHatchPlan {
  /** release → overlays, merged in this order over meshgen's values (mesh-wide first, the cluster's own last) */
  valuesOverlays: Map<string, OverlayLayer[]>;
  /** clusters[].extraManifests as given (relative to mesh.yaml) */
  extraManifests?: string;
}

export function planEscapeHatches(mesh: MeshModel, cluster: ClusterModel, releases: readonly ChartRelease[], reasons: string[]): EscapeHatchPlan {
  const valuesOverlays = new Map<string, OverlayLayer[]>();
  for (const { release, chart } of releases) {
    // a revisioned istiod is the release istiod-<revision> (both of them during a canary upgrade): helm.istiod overlays each
    const key = chart === 'istiod' ? 'istiod' : release;
    if (!(key in OVERLAY_RELEASES)) continue;
    const name = key as OverlayRelease;
    const layers: OverlayLayer[] = [];
    const meshWide = mesh.helm[name];
    if (meshWide && Object.keys(meshWide).length) layers.push({ from: `spec.helm.${name}`, values: meshWide });
    const own = cluster.helm[name];
    if (own && Object.keys(own).length) layers.push({ from: `clusters[${cluster.name}].helm.${name}`, values: own });
    if (layers.length) {
      valuesOverlays.set(release, layers);
      reasons.push(`helm/${release}.values.yaml: meshgen's values with ${layers.map((l) => l.from).join(', then ')} merged over them`);
    }
  }
  if (cluster.extraManifests !== undefined) reasons.push(`extra manifests: the objects in ${cluster.extraManifests}/, checked and written into manifests/`);
  return { valuesOverlays, ...(cluster.extraManifests !== undefined ? { extraManifests: cluster.extraManifests } : {}) };
}
