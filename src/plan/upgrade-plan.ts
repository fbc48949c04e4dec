import type { MeshModel } from '../model/mesh-model.js';
import { istiodReleaseName, type ChartRelease, type ReleaseUpgrade } from './chart-releases.js';

// A canary control-plane upgrade (spec.istio.upgrade), decided once: which Helm releases each
// cluster gets at which chart version and revision, where the revision tags point, and which
// revision each namespace is injected by. The renderers follow this; out/README.md explains it.
//
// The procedure is Istio's canary upgrade with Helm (https://istio.io/latest/docs/setup/upgrade/helm/,
// "Canary upgrade" and "Stable revision labels"): upgrade istio-base first, install the new
// istiod beside the old one with `revision` set, move namespaces with revision tags, remove the
// old istiod, make the new revision the default. Tags are rendered through the istiod chart's own
// `revisionTags` value (its templates/revision-tags-mwc.yaml and revision-tags-svc.yaml).
//
//   phase     | istiod releases                      | prod-stable | prod-canary | namespaces (istio.io/rev)
//   canary    | istiod (old) + istiod-<rev> (new)    | old         | new         | prod-stable
//   migrate   | both                                 | new (*)     | new         | prod-stable, or the listed ones prod-canary
//   finalize  | istiod-<rev> (new) only              | new         | new         | prod-stable
//   (*) with `namespaces` listed, prod-stable stays on the old revision and only those namespaces move, by label
//
// Gateways are upgraded in place by revision tag (the gateway pages' "in place" strategy): their
// pods carry istio.io/rev=prod-stable, so they follow the tag at their next restart; their
// Services (and the east-west gateway's address) never change, which a second, canary
// gateway Deployment with its own Service would (https://istio.io/latest/docs/setup/additional-setup/gateway/#upgrading-gateways).
//
// Multi-cluster order: primaries before their remotes in every phase
// (https://istio.io/latest/docs/setup/install/multicluster/primary-remote/: a remote's
// webhooks and sidecars use its primary's istiod, so the revision must run on the primary
// before the remote's webhook or tag points at it). Remote secrets do not change: every istiod
// revision reads the same istio-remote-secret-* Secrets.

export const STABLE_TAG = 'prod-stable';
export const CANARY_TAG = 'prod-canary';

export type UpgradePhase = 'canary' | 'migrate' | 'finalize';
export const UPGRADE_PHASES: readonly UpgradePhase[] = ['canary', 'migrate', 'finalize'];

export interface ControlPlane {
  version: string;
  /** '' = the default revision */
  revision: string;
}

export interface UpgradePlan {
  phase: UpgradePhase;
  previous?: UpgradePhase;
  next?: UpgradePhase;
  from: ControlPlane;
  to: ControlPlane;
  /** the revision prod-stable points at in this phase (prod-canary always points at the new one) */
  stableOn: 'old' | 'new';
  /** namespaces labelled istio.io/rev=prod-canary (migrate with a list), sorted */
  canaryNamespaces: string[];
  /** the old istiod is installed in this phase */
  oldInstalled: boolean;
}

export function planUpgrade(mesh: MeshModel): UpgradePlan | undefined {
  const upgrade = mesh.istio.upgrade;
  if (!upgrade) return undefined;
  const index = UPGRADE_PHASES.indexOf(upgrade.phase);
  const subset = upgrade.phase === 'migrate' && upgrade.namespaces !== undefined;
  return {
    phase: upgrade.phase,
    previous: UPGRADE_PHASES[index - 1],
    next: UPGRADE_PHASES[index + 1],
    from: { version: mesh.istio.version, revision: mesh.istio.revision },
    to: { version: upgrade.version, revision: upgrade.revision },
    stableOn: upgrade.phase === 'canary' || subset ? 'old' : 'new',
    canaryNamespaces: subset ? [...(upgrade.namespaces ?? [])] : [],
    oldInstalled: upgrade.phase !== 'finalize',
  };
}

/** The release of the new istiod, beside the old one (as Istio's guide names its `istiod-canary`). */
export function newIstiodRelease(plan: UpgradePlan): string {
  return istiodReleaseName(plan.to.revision);
}

/** The release of the old istiod: `istiod`, or `istiod-<revision>` when it has one (a previous upgrade's new istiod). */
export function oldIstiodRelease(plan: UpgradePlan): string {
  return istiodReleaseName(plan.from.revision);
}

/** A cluster's releases during the upgrade, in install order: base, old istiod, new istiod, gateways. */
export function upgradeReleases(plan: UpgradePlan | undefined, releases: ChartRelease[]): ChartRelease[] {
  if (!plan) return releases;
  const result: ChartRelease[] = [];
  const tags = (side: 'old' | 'new') => [...(side === 'new' ? [CANARY_TAG] : []), ...(plan.stableOn === side ? [STABLE_TAG] : [])];
  for (const release of releases) {
    switch (release.chart) {
      case 'base':
        // upgraded first (the CRDs of the newer release); the default validator moves at finalize
        result.push({ ...release, upgrade: { side: 'new', version: plan.to.version, defaultRevision: plan.oldInstalled ? plan.from.revision || undefined : plan.to.revision } });
        break;
      case 'istiod':
        if (plan.oldInstalled) result.push({ ...release, upgrade: { side: 'old', version: plan.from.version, revision: plan.from.revision || undefined, revisionTags: tags('old') } });
        result.push({ ...release, release: newIstiodRelease(plan), upgrade: { side: 'new', version: plan.to.version, revision: plan.to.revision, revisionTags: tags('new') } });
        break;
      case 'gateway':
        // in place, by tag: the chart moves to the new version once the old control plane is gone
        result.push({ ...release, upgrade: { side: plan.oldInstalled ? 'old' : 'new', version: plan.oldInstalled ? plan.from.version : plan.to.version, revision: STABLE_TAG } });
        break;
    }
  }
  return result;
}

/** The injection label of an application namespace during the upgrade. */
export function namespaceRevisionLabel(plan: UpgradePlan, namespace: string): string {
  return plan.canaryNamespaces.includes(namespace) ? CANARY_TAG : STABLE_TAG;
}

/** The istiod revisions running on a primary in this phase ('' = default), old first. */
export function istiodRevisions(plan: UpgradePlan): string[] {
  return [...(plan.oldInstalled ? [plan.from.revision] : []), plan.to.revision];
}
