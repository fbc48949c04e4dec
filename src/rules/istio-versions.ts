// Which Istio releases meshgen renders for, and the facts that depend on the release.
//
// The Helm path (base, istiod and gateway charts, the gateway chart's `networkGateway`) renders
// every release from 1.13 on; which values keys each chart reads per minor is in
// schemas/istio-chart-keys.json (rules/helm-overlays.ts). Facts that came later are gated
// below, each with the first release that has it, so an error can say precisely what an older
// release lacks.

export interface IstioVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
}

/** The oldest minor of the Helm path: the istio/gateway chart with `networkGateway` exists in 1.13 (manifests/charts/gateway/values.yaml@1.13.9). */
export const OLDEST_SUPPORTED_MINOR = 13;
export const NEWEST_SUPPORTED_MINOR = 31;

// --- legacy .global model (issue #6) -------------------------------------------------------
// Istio 1.4 to 1.7 are rendered only for spec.legacy.global, installed by istioctl from one
// file with istiocoredns and the multiCluster values of those releases. 1.5-1.7: an
// IstioOperator (install.istio.io/v1alpha1; 1.5's shape after its
// operator/data/examples/multicluster/values-istio-multicluster-gateways.yaml@1.5.10: no
// globalDomainSuffix, no meshConfig, no revision). 1.4: an IstioControlPlane
// (install.istio.io/v1alpha2, github.com/istio/operator pkg/apis/istio/v1alpha2@1.4.10) for
// `istioctl manifest apply`. 1.8 deprecated the .global model.
export const LEGACY_OLDEST_MINOR = 4;
export const LEGACY_NEWEST_MINOR = 7;
/** istiocoredns was removed in 1.9 (commit d5893dc37b2). */
const LAST_MINOR_WITH_ISTIOCOREDNS = 8;
/** The first minor whose istioctl reads an IstioOperator (install.istio.io/v1alpha1); 1.4's reads an IstioControlPlane (v1alpha2). */
const FIRST_MINOR_WITH_ISTIO_OPERATOR = 5;

/** A release rendered only for the legacy .global model (1.4.x to 1.7.x). */
export function isLegacyOnly(v: IstioVersion): boolean {
  return v.major === 1 && v.minor >= LEGACY_OLDEST_MINOR && v.minor <= LEGACY_NEWEST_MINOR;
}

/** The release ships istiocoredns, the CoreDNS that answers .global names from ServiceEntries. */
export function hasIstiocoredns(v: IstioVersion): boolean {
  return v.major === 1 && v.minor <= LAST_MINOR_WITH_ISTIOCOREDNS;
}

/**
 * What istioctl of a legacy-only release installs from: Istio 1.4's `istioctl manifest apply -f`
 * reads an IstioControlPlane (github.com/istio/operator cmd/mesh/manifest-apply.go@1.4.10,
 * "Path to file containing IstioControlPlane CustomResource"); 1.5-1.7 read an IstioOperator.
 */
export function legacyInstallKind(v: IstioVersion): 'IstioControlPlane' | 'IstioOperator' {
  return v.major === 1 && v.minor < FIRST_MINOR_WITH_ISTIO_OPERATOR ? 'IstioControlPlane' : 'IstioOperator';
}

/**
 * The istioctl subcommand that installs from a file: `istioctl install` from 1.6
 * (operator/cmd/mesh/manifest-apply.go@1.6.14), `istioctl manifest apply` in 1.4 and 1.5.
 */
export function istioctlInstallCommand(v: IstioVersion): 'install' | 'manifest apply' {
  return v.major > 1 || v.minor >= 6 ? 'install' : 'manifest apply';
}

export function legacyRange(): string {
  return `1.${LEGACY_OLDEST_MINOR}.x to 1.${LEGACY_NEWEST_MINOR}.x`;
}
// --- end legacy .global model ---------------------------------------------------------------

export function parseIstioVersion(text: string): IstioVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] };
}

/** Releases rendered for every mesh; with `legacyGlobal`, also the legacy-only ones (1.4-1.7). */
export function isSupported(v: IstioVersion, options: { legacyGlobal?: boolean; installer?: 'helm' | 'istioctl' } = {}): boolean {
  if (options.legacyGlobal && isLegacyOnly(v)) return true;
  return v.major === 1 && v.minor >= OLDEST_SUPPORTED_MINOR && v.minor <= NEWEST_SUPPORTED_MINOR;
}

export function supportedRange(): string {
  return `1.${OLDEST_SUPPORTED_MINOR}.x to 1.${NEWEST_SUPPORTED_MINOR}.x`;
}

/** Istio is installed from Helm charts (values under helm/), not by istioctl from an IstioOperator. */
export function usesHelm(v: IstioVersion, installer: 'helm' | 'istioctl' | undefined): boolean {
  return installer !== 'istioctl' && !isLegacyOnly(v);
}

// --- facts by release -----------------------------------------------------------------------

/** A fact some releases lack: what it is, and the first minor that has it. */
export interface VersionedFeature {
  /** what the release lacks, as a phrase: "the `remote` profile of the base and istiod charts" */
  what: string;
  /** why meshgen needs it, for the hint */
  why: string;
  firstMinor: number;
  /** where the fact is visible upstream */
  source: string;
}

export const FEATURES = {
  /**
   * meshgen installs a remote cluster's base and istiod releases with `profile: remote`
   * (istiodRemote.enabled, no istiod Deployment); 1.22/1.23 had a separate istiod-remote chart
   * instead, older releases neither.
   */
  remoteProfile: {
    what: 'the `remote` profile of the base and istiod charts',
    why: 'meshgen installs a remote cluster (role: remote) with it',
    firstMinor: 24,
    source: 'github.com/istio/istio manifests/charts/istiod/files/profile-remote.yaml, first in release-1.24',
  },
  /** values.global.multiCluster.globalDomainSuffix and includeEnvoyFilter (1.5 hard-codes "global") */
  globalDomainSuffix: {
    what: 'a .global suffix other than "global" (values.global.multiCluster.globalDomainSuffix)',
    why: 'its charts and istiocoredns hard-code the .global zone',
    firstMinor: 6,
    source: 'github.com/istio/istio manifests/profiles/default.yaml, multiCluster.globalDomainSuffix first in release-1.6',
  },
  /** IstioOperator spec.revision (control-plane revisions) */
  revision: {
    what: 'control-plane revisions (spec.revision of the IstioOperator, which the 1.4 IstioControlPlane lacks)',
    why: 'spec.istio.revision installs a revisioned control plane',
    firstMinor: 6,
    source: 'github.com/istio/api operator/v1alpha1/operator.proto, revision first in release-1.6',
  },
  /** IstioOperator spec.meshConfig and values.global.meshID */
  meshConfigField: {
    what: 'IstioOperator spec.meshConfig and values.global.meshID',
    why: 'meshgen sets the trust domain there',
    firstMinor: 6,
    source: 'istio-operator-profiles: 1.5.4/default.yaml has values.global.trustDomain and no meshID, 1.6.14 has both meshConfig and meshID',
  },
} as const satisfies Record<string, VersionedFeature>;

export function hasFeature(v: IstioVersion, feature: VersionedFeature): boolean {
  return v.major > 1 || v.minor >= feature.firstMinor;
}

/**
 * The apiVersion of Istio's networking config (Gateway, VirtualService, DestinationRule,
 * ServiceEntry): networking.istio.io/v1 is served from 1.22 (release notes of 1.22, "v1 APIs");
 * earlier releases serve the same schema as v1beta1, 1.4-1.7 (legacy) as v1alpha3.
 */
export function networkingApiVersion(v: IstioVersion): 'networking.istio.io/v1' | 'networking.istio.io/v1beta1' | 'networking.istio.io/v1alpha3' {
  if (isLegacyOnly(v)) return 'networking.istio.io/v1alpha3';
  return v.minor >= 22 ? 'networking.istio.io/v1' : 'networking.istio.io/v1beta1';
}

// --- end of life ------------------------------------------------------------------------------

/**
 * The date each minor stopped getting patches (security fixes included): Istio supports a
 * minor until six weeks after the N+2 minor is released. Dates from
 * https://istio.io/latest/docs/releases/supported-releases/ as recorded by endoflife.date
 * (github.com/endoflife-date/endoflife.date products/istio.md); 1.6 from
 * https://istio.io/v1.7/about/supported-releases. A minor not listed has no date announced yet.
 */
export const END_OF_LIFE: Readonly<Record<string, string>> = {
  '1.6': '2020-11-21',
  '1.7': '2021-02-25',
  '1.13': '2022-10-12',
  '1.14': '2022-12-27',
  '1.15': '2023-04-04',
  '1.16': '2023-07-25',
  '1.17': '2023-10-27',
  '1.18': '2024-01-04',
  '1.19': '2024-04-24',
  '1.20': '2024-06-25',
  '1.21': '2024-09-27',
  '1.22': '2025-01-22',
  '1.23': '2025-04-16',
  '1.24': '2025-06-24',
  '1.25': '2025-09-30',
  '1.26': '2025-12-22',
  '1.27': '2026-03-30',
  '1.28': '2026-05-31',
  '1.29': '2026-08-31',
};

/** When `v`'s minor reached its end of life ("2025-12-22", or "before 2020-11-21" for minors older than 1.6), if that is not after `today`; undefined while supported or unknown. */
export function endOfLife(v: IstioVersion, today: Date): string | undefined {
  // releases older than 1.6 went out of support before 1.6 did
  const older = v.major === 1 && v.minor < 6;
  const date = older ? END_OF_LIFE['1.6'] : END_OF_LIFE[`${v.major}.${v.minor}`];
  if (date === undefined || date > today.toISOString().slice(0, 10)) return undefined;
  return older ? `before ${date}` : date;
}
