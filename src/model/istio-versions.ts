// Which Istio releases meshgen renders for. The modern multicluster output relies on the
// `remote` profile of the base/istiod charts (from 1.24) and the istio/gateway chart's
// `networkGateway` value; see reference section 0.

export interface IstioVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
}

export const OLDEST_SUPPORTED_MINOR = 24;
export const NEWEST_SUPPORTED_MINOR = 31;

export function parseIstioVersion(text: string): IstioVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] };
}

export function isSupported(v: IstioVersion): boolean {
  return v.major === 1 && v.minor >= OLDEST_SUPPORTED_MINOR && v.minor <= NEWEST_SUPPORTED_MINOR;
}

export function supportedRange(): string {
  return `1.${OLDEST_SUPPORTED_MINOR}.x to 1.${NEWEST_SUPPORTED_MINOR}.x`;
}

/** `a` is at least `major.minor` */
export function atLeast(v: IstioVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}
