import type { ClusterPlan } from '../../plan/cluster-plan.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';

/**
 * The encrypted Secrets a cluster's kustomization.yaml lists, relative to the cluster
 * directory: the SealedSecrets under manifests/ (they are written after the other manifests,
 * so they are not among the synthesized objects). Plain secrets are never listed (they are
 * applied by hand), nor SOPS files: `kubectl apply -k` cannot decrypt them, so Flux applies
 * secrets/ with a Kustomization of its own (gitops/flux.ts).
 */
export function encryptedPathsInKustomization(meshPlan: MeshPlan, plan: ClusterPlan): string[] {
  const cluster = plan.cluster.name;
  const paths: string[] = [];
  if (plan.cacerts === 'sealed' && plan.cacertsPath) paths.push(plan.cacertsPath);
  if (meshPlan.remoteSecretDelivery === 'sealed') for (const s of meshPlan.remoteSecrets) if (s.reader.name === cluster) paths.push(s.path);
  return paths.map((p) => p.slice(cluster.length + 1));
}
