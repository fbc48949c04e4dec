import type { ClusterModel, MeshModel } from '../model/mesh-model.js';
import type { ResId } from '../resource/kube-object.js';
import type { ChartRelease } from './chart-releases.js';
import type { AmbientClusterPlan } from './ambient-plan.js';
import type { SecretDelivery } from './secret-delivery.js';

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

/**
 * A cluster with the ambient data plane (issue #17): the Gateway API CRDs with the Namespace
 * (the ambient east-west Gateway among the manifests needs them), then base → istiod → cni →
 * ztunnel → gateways → manifests. The waves after istiod move two places, on these clusters only.
 */
export const AMBIENT_SYNC_WAVES = { gatewayApiCrds: 0, cni: 3, ztunnel: 4 } as const;
const AMBIENT_WAVE_SHIFT = 2;

export interface ArgoCdApplicationPlan {
  name: string;
  wave: number;
  /** the chart release it installs; undefined for the namespace and manifests Applications */
  release?: ChartRelease;
  /** namespace: only the istio-system Namespace (and `withNamespace`); sealedSecrets: only the SealedSecrets; others: every other manifest */
  manifests?: 'namespace' | 'sealedSecrets' | 'others';
  /** the Gateway API CRDs of this release, from the Gateway API repository (ambient clusters) */
  gatewayApiCrds?: string;
  /** manifests applied with the Namespace, before the charts: the object that makes cacerts */
  withNamespace?: ResId[];
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
  /** ambient clusters: the Gateway API release whose CRDs a Kustomization applies before the manifests */
  gatewayApiCrds?: string;
  /**
   * A primary whose `cacerts` comes from git (SOPS-encrypted, sealed, by reference or made by
   * cert-manager): istiod must not start before that Secret exists, yet a HelmRelease's
   * `dependsOn` names HelmReleases only. So istiod and every release after it are applied by a
   * Kustomization of their own (FLUX_CONTROL_PLANE_KUSTOMIZATION) that `dependsOn` the
   * Kustomization which makes `cacerts` (`gate`), and that one is Ready only once the Secret
   * exists: `secrets` = the SOPS Secrets' Kustomization with `wait: true`; `manifests` = the
   * manifests' Kustomization with a health check on Secret istio-system/cacerts (the object
   * that makes it is among the manifests). istio-base stays with the root: the manifests need
   * its CRDs before they can be applied at all. Undefined: releases in install order as before
   * (cacerts is created by hand before Flux, or there is none).
   */
  controlPlane?: { gate: 'secrets' | 'manifests' };
}

/** The Kustomization that applies istiod and the releases after it, once `cacerts` exists. */
export const FLUX_CONTROL_PLANE_KUSTOMIZATION = 'istio-control-plane';

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

/**
 * `withNamespace`: objects that must exist before istiod (the object that makes cacerts);
 * `cacerts`: how a primary's cacerts reaches it
 */
export function planGitOps(mesh: MeshModel, cluster: ClusterModel, releases: readonly ChartRelease[], ambient?: AmbientClusterPlan, withNamespace: readonly ResId[] = [], cacerts?: SecretDelivery): GitOpsClusterPlan {
  const shift = ambient ? AMBIENT_WAVE_SHIFT : 0;
  const plan: GitOpsClusterPlan = {
    neverPrune: { ...(mesh.gitops.argocd ? ARGOCD_NEVER_PRUNE : {}), ...(mesh.gitops.flux ? FLUX_NEVER_PRUNE : {}) },
  };
  if (mesh.gitops.argocd) {
    const application = (part: string, wave: number, extra: Partial<ArgoCdApplicationPlan>): ArgoCdApplicationPlan => ({ name: argoCdApplicationName(mesh, cluster, part), wave, ...extra });
    plan.argocd = {
      root: { group: 'argoproj.io', kind: 'Application', namespace: ARGOCD_NAMESPACE, name: argoCdApplicationName(mesh, cluster) },
      applications: [
        application('namespace', SYNC_WAVES.namespace, { manifests: 'namespace', ...(withNamespace.length ? { withNamespace: [...withNamespace] } : {}) }),
        ...(mesh.secretsMode === 'sealed-secrets' && cluster.role === 'primary' ? [application('sealed-secrets', SYNC_WAVES.sealedSecrets, { manifests: 'sealedSecrets' })] : []),
        ...(ambient ? [application('gateway-api-crds', AMBIENT_SYNC_WAVES.gatewayApiCrds, { gatewayApiCrds: ambient.gatewayApi.version })] : []),
        ...releases.map((release) => application(release.release, waveOf(release, shift), { release })),
        application('manifests', SYNC_WAVES.manifests + shift, { manifests: 'others', ...(withNamespace.length ? { withNamespace: [...withNamespace] } : {}) }),
      ],
    };
  }
  if (mesh.gitops.flux) {
    plan.flux = {
      root: { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', namespace: FLUX_NAMESPACE, name: `istio-mesh-${cluster.name}` },
      ...(ambient ? { gatewayApiCrds: ambient.gatewayApi.version } : {}),
      ...(cacertsFromGit(cacerts) && releases.some((r) => r.chart === 'istiod') ? { controlPlane: { gate: cacerts === 'sops' ? 'secrets' : 'manifests' } } : {}),
    };
  }
  return plan;
}

/** cacerts applied by the GitOps tool itself: not a plain file or a Secret made by hand before it */
function cacertsFromGit(cacerts: SecretDelivery | undefined): boolean {
  return cacerts === 'sops' || cacerts === 'sealed' || cacerts === 'external-secret' || cacerts === 'cert-manager';
}

function waveOf(release: ChartRelease, shift: number): number {
  switch (release.chart) {
    case 'gateway':
      return (release.waitsForRemoteSecret ? SYNC_WAVES.remoteGateways : SYNC_WAVES.gateways) + shift;
    case 'cni':
    case 'ztunnel':
      return AMBIENT_SYNC_WAVES[release.chart];
    case 'base':
      return SYNC_WAVES['istio-base'];
    case 'istiod':
      return SYNC_WAVES.istiod;
  }
}
