import type { ClusterModel, MeshModel } from '../model/mesh-model.js';
import type { ResId } from '../resource/kube-object.js';
import type { ChartRelease } from './chart-releases.js';

// What the GitOps wrappers of one cluster are called and in which order they install it. The
// Argo CD and Flux renderers build these objects; out/README.md names them and their files
// from here, without rendering them.

export const ARGOCD_NAMESPACE = 'argocd';
export const FLUX_NAMESPACE = 'flux-system';

/**
 * Argo CD sync waves in install order: the istio-system Namespace (its network label and
 * controlPlaneClusters annotation come before istiod), the base chart (CRDs and the default
 * validator), istiod, the gateways (injected by istiod), then the remaining manifests, whose
 * Istio resources need the CRDs. A remote's gateways come last: they start only once the
 * remote secret is in the primary, and that secret is built from the reader token Secret among
 * the manifests, so waiting for them before the manifests would never end.
 * With secrets.mode sealed-secrets the SealedSecrets (cacerts, remote secrets) have an
 * Application of their own, after the Namespace they go into and before istiod.
 */
export const SYNC_WAVES = { namespace: 0, 'istio-base': 1, istiod: 2, gateways: 3, manifests: 4, remoteGateways: 5, sealedSecrets: 1 } as const;

export interface ArgoCdApplicationPlan {
  name: string;
  wave: number;
  /** the chart release it installs; undefined for the namespace and manifests Applications */
  release?: ChartRelease;
  /** namespace: only the istio-system Namespace; sealedSecrets: only the SealedSecrets; others: every other manifest */
  manifests?: 'namespace' | 'sealedSecrets' | 'others';
}

export interface ArgoCdClusterPlan {
  /** the root Application ("app of apps") in the Argo CD cluster */
  root: ResId;
  /** in install order */
  applications: ArgoCdApplicationPlan[];
}

export interface FluxClusterPlan {
  /** the root Kustomization, applied once in the cluster itself */
  root: ResId;
}

export interface GitOpsClusterPlan {
  argocd?: ArgoCdClusterPlan;
  flux?: FluxClusterPlan;
  /**
   * Annotations for objects whose deletion destroys what users put there (Namespaces: every
   * workload in them): the GitOps tools that sync this cluster must never prune them, even when
   * they leave out/. Empty without GitOps wrappers (kubectl apply -k never prunes).
   */
  neverPrune: Record<string, string>;
}

/** Argo CD's per-resource sync option and Flux's per-object prune switch (their documented annotations). */
export const ARGOCD_NEVER_PRUNE = { 'argocd.argoproj.io/sync-options': 'Prune=false' } as const;
export const FLUX_NEVER_PRUNE = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } as const;

export function argoCdApplicationName(mesh: MeshModel, cluster: ClusterModel, part?: string): string {
  return [mesh.name, cluster.name, part].filter(Boolean).join('-');
}

export function planGitOps(mesh: MeshModel, cluster: ClusterModel, releases: readonly ChartRelease[]): GitOpsClusterPlan {
  const plan: GitOpsClusterPlan = {
    neverPrune: { ...(mesh.gitops.argocd ? ARGOCD_NEVER_PRUNE : {}), ...(mesh.gitops.flux ? FLUX_NEVER_PRUNE : {}) },
  };
  if (mesh.gitops.argocd) {
    const application = (part: string, wave: number, extra: Partial<ArgoCdApplicationPlan>): ArgoCdApplicationPlan => ({ name: argoCdApplicationName(mesh, cluster, part), wave, ...extra });
    plan.argocd = {
      root: { group: 'argoproj.io', kind: 'Application', namespace: ARGOCD_NAMESPACE, name: argoCdApplicationName(mesh, cluster) },
      applications: [
        application('namespace', SYNC_WAVES.namespace, { manifests: 'namespace' }),
        ...(mesh.secretsMode === 'sealed-secrets' && cluster.role === 'primary' ? [application('sealed-secrets', SYNC_WAVES.sealedSecrets, { manifests: 'sealedSecrets' })] : []),
        ...releases.map((release) => application(release.release, waveOf(release), { release })),
        application('manifests', SYNC_WAVES.manifests, { manifests: 'others' }),
      ],
    };
  }
  if (mesh.gitops.flux) {
    plan.flux = { root: { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', namespace: FLUX_NAMESPACE, name: `istio-mesh-${cluster.name}` } };
  }
  return plan;
}

function waveOf(release: ChartRelease): number {
  if (release.chart === 'gateway') return release.waitsForRemoteSecret ? SYNC_WAVES.remoteGateways : SYNC_WAVES.gateways;
  return SYNC_WAVES[release.chart === 'base' ? 'istio-base' : 'istiod'];
}
