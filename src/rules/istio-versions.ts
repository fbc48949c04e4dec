// Which Istio releases meshgen renders for. The modern multicluster output relies on the
// `remote` profile of the base/istiod charts (from 1.24) and the istio/gateway chart's
// `networkGateway` value.

export interface IstioVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
}

export const OLDEST_SUPPORTED_MINOR = 24;
export const NEWEST_SUPPORTED_MINOR = 31;

// --- legacy .global model (issue #6) -------------------------------------------------------
// Istio 1.6 and 1.7 are rendered only for spec.legacy.global: an IstioOperator for istioctl
// with istiocoredns and the multiCluster values of those releases. 1.4
// and 1.5 used other install values (the monolithic Helm chart, no globalDomainSuffix), and
// 1.8 deprecated the .global model; neither is rendered.
export const LEGACY_OLDEST_MINOR = 6;
export const LEGACY_NEWEST_MINOR = 7;
/** istiocoredns was removed in 1.9 (commit d5893dc37b2). */
const LAST_MINOR_WITH_ISTIOCOREDNS = 8;

/** A release rendered only for the legacy .global model (1.6.x, 1.7.x). */
export function isLegacyOnly(v: IstioVersion): boolean {
  return v.major === 1 && v.minor >= LEGACY_OLDEST_MINOR && v.minor <= LEGACY_NEWEST_MINOR;
}

/** The release ships istiocoredns, the CoreDNS that answers .global names from ServiceEntries. */
export function hasIstiocoredns(v: IstioVersion): boolean {
  return v.major === 1 && v.minor <= LAST_MINOR_WITH_ISTIOCOREDNS;
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

/** Releases rendered for every mesh; with `legacyGlobal`, also the legacy-only ones. */
export function isSupported(v: IstioVersion, options: { legacyGlobal?: boolean } = {}): boolean {
  if (options.legacyGlobal && isLegacyOnly(v)) return true;
  return v.major === 1 && v.minor >= OLDEST_SUPPORTED_MINOR && v.minor <= NEWEST_SUPPORTED_MINOR;
}

export function supportedRange(): string {
  return `1.${OLDEST_SUPPORTED_MINOR}.x to 1.${NEWEST_SUPPORTED_MINOR}.x`;
}

