import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { fluxClusterPath, fluxControlPlanePath, FLUX_DIR, manifestOfPath } from '../resource/out-layout.js';
import { FLUX_CONTROL_PLANE_KUSTOMIZATION } from '../plan/gitops-plan.js';
import type { MeshPlan } from '../plan/mesh-plan.js';
import type { OutputDiff } from './out-dir.js';

// Some objects leave out/ without leaving the cluster: meshgen marks Namespaces so that no
// GitOps tool prunes them (deleting one deletes every workload in it), and kubectl apply -k
// never deletes anything. When a change drops such an object from out/, say so, and how to
// delete it by hand if that is what the change meant.
//
// And some leave one Flux Kustomization for another, which Flux does not see as a move: the
// Kustomization they leave prunes them, unless the other one has taken them over first (Flux's
// garbage collection deletes only objects that still carry the pruning Kustomization's owner
// labels: kustomize-controller's prune, `Inclusions: GetOwnerLabels`).

export function removalWarnings(diff: OutputDiff, plan: MeshPlan): Diagnostic[] {
  return [...namespacesLeft(diff), ...releasesMovedUnderControlPlane(diff, plan)];
}

function namespacesLeft(diff: OutputDiff): Diagnostic[] {
  return diff.changes.flatMap((change) => {
    if (change.kind !== 'removed') return [];
    const manifest = manifestOfPath(change.path);
    if (!manifest || manifest.id.kind !== 'Namespace' || manifest.id.group !== '') return [];
    const { cluster, id } = manifest;
    return [
      warning(Codes.NamespaceLeftInCluster, `namespace "${id.name}" is no longer rendered for cluster "${cluster}": it leaves out/, but stays in the cluster with everything in it`, {
        hint: `meshgen never lets Argo CD or Flux prune a namespace; if it should go, delete it yourself once it is empty of what you keep: kubectl --context <${cluster}> delete namespace ${id.name}`,
      }),
    ];
  });
}

/**
 * A HelmRelease the last build put under flux/<cluster>/ (the root Kustomization) that this one
 * puts under flux/<cluster>/control-plane/: on its next sync the root applies its new set and
 * prunes the HelmRelease, which helm-controller answers with an uninstall, before
 * istio-control-plane (which waits for cacerts) installs it again. The other way round is safe:
 * the root applies the release before it prunes istio-control-plane.
 */
function releasesMovedUnderControlPlane(diff: OutputDiff, plan: MeshPlan): Diagnostic[] {
  const gated = plan.clusters.filter((p) => p.gitops.flux?.controlPlane);
  if (gated.length === 0) return [];
  const kinds = new Map(diff.changes.filter((c) => c.path.startsWith(`${FLUX_DIR}/`)).map((c) => [c.path, c.kind]));
  return gated.flatMap((clusterPlan) => {
    const flux = clusterPlan.gitops.flux!;
    const cluster = clusterPlan.cluster.name;
    const root = flux.root.name;
    const controlPlaneKustomization = fluxClusterPath(cluster, { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', namespace: flux.root.namespace, name: FLUX_CONTROL_PLANE_KUSTOMIZATION });
    return clusterPlan.releases.flatMap((release) => {
      const id = { group: 'helm.toolkit.fluxcd.io', kind: 'HelmRelease', namespace: flux.root.namespace, name: release.release };
      if (kinds.get(fluxClusterPath(cluster, id)) !== 'removed' || kinds.get(fluxControlPlanePath(cluster, id)) !== 'added') return [];
      return [
        warning(Codes.FluxReleaseMovesToControlPlane, `HelmRelease ${release.release} of cluster "${cluster}" moves from Flux Kustomization ${root} into ${FLUX_CONTROL_PLANE_KUSTOMIZATION}: on its next sync ${root} prunes it, which uninstalls ${release.release}, before ${FLUX_CONTROL_PLANE_KUSTOMIZATION} installs it again`, {
          hint: `before this build reaches the repository, suspend the root (flux suspend kustomization ${root} -n ${flux.root.namespace}); once Flux has the commit, apply ${controlPlaneKustomization} by hand and wait until it is Ready (it takes the releases over), then resume ${root}`,
        }),
      ];
    });
  });
}
