import type { ClusterPlan } from '../../plan/cluster-plan.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { isEncrypted } from '../../plan/secret-delivery.js';

/**
 * The encrypted Secrets a cluster's kustomization.yaml lists, relative to the cluster
 * directory: SOPS files under secrets/ (Flux decrypts them as it applies the kustomization) and
 * SealedSecrets under manifests/ (they are written after the other manifests, so they are not
 * among the synthesized objects). Plain secrets are never listed: they are applied by hand.
 */
export function encryptedPathsInKustomization(meshPlan: MeshPlan, plan: ClusterPlan): string[] {
  const cluster = plan.cluster.name;
  const paths: string[] = [];
  if (isEncrypted(plan.cacerts) && plan.cacertsPath) paths.push(plan.cacertsPath);
  if (isEncrypted(meshPlan.remoteSecretDelivery)) for (const s of meshPlan.remoteSecrets) if (s.reader.name === cluster) paths.push(s.path);
  return paths.map((p) => p.slice(cluster.length + 1));
}
