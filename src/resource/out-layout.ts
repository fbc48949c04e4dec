import { manifestFileName, type ResId } from './kube-object.js';

// Every path under out/, in one place. Paths are POSIX and relative to out/. Render builds
// files at these paths, emit and the CLI classify them, validation reserves the names the
// layout takes, and out/README.md quotes them: none of them spells a path of its own.
//
//   <cluster>/manifests/<group>_<Kind>_<namespace>_<name>.yaml   one Kubernetes object per file
//   <cluster>/kustomization.yaml                                 every manifest, for kubectl apply -k
//   <cluster>/helm/<release>.values.yaml                         one values file per Helm release
//   <cluster>/istioctl/istio-operator.yaml                       an IstioOperator: installer istioctl, or legacy .global on Istio 1.5-1.7
//   <cluster>/istioctl/istio-control-plane.yaml                  an IstioControlPlane: legacy .global on Istio 1.4
//   <cluster>/certs/{root-cert,ca-cert,cert-chain}.pem           public CA certificates (primaries)
//   <cluster>/secrets/cacerts.yaml                               private: the plugged-in CA
//   <cluster>/secrets/istio-remote-secret-<read cluster>.yaml    private: what this istiod reads
//   argocd/..., flux/...                                         the GitOps wrappers
//   README.md  .gitignore  verify.sh  .meshgen-manifest.json    mesh-level files
//   .meshgen-staging/  .meshgen-journal.json                     while a build publishes (emit/publish.ts)

export const README_PATH = 'README.md';
export const GITIGNORE_PATH = '.gitignore';
export const VERIFY_SCRIPT_PATH = 'verify.sh';
/** Lists every file meshgen wrote: how a later build knows what it may prune. */
export const MANIFEST_PATH = '.meshgen-manifest.json';

/** Where a build puts the files it is about to publish; only ever present while it runs or after it was killed. */
export const STAGING_DIR = '.meshgen-staging';
/** The list of renames of a publication in progress: its appearance is the commit point (emit/publish.ts). */
export const JOURNAL_PATH = '.meshgen-journal.json';
/** The stat cache of the last build on this machine (emit/stat-cache.ts): local, git-ignored, safe to delete. */
export const STAT_CACHE_PATH = '.meshgen-cache.json';
/** Where the stat cache is written before it is renamed into place. */
export const STAT_CACHE_TEMP_PATH = '.meshgen-cache.json.tmp';

/** The directories under out/ that hold the GitOps wrappers; no cluster may take these names. */
export const ARGOCD_DIR = 'argocd';
export const FLUX_DIR = 'flux';

const MANIFESTS_DIR = 'manifests';
const SECRETS_DIR = 'secrets';
const CERTS_DIR = 'certs';

/** `manifests/<file>`: a manifest's path inside its cluster directory, as kustomization.yaml lists it. */
export function manifestInCluster(id: ResId): string {
  return `${MANIFESTS_DIR}/${manifestFileName(id)}`;
}

export function manifestsDir(cluster: string): string {
  return `${cluster}/${MANIFESTS_DIR}`;
}

export function manifestPath(cluster: string, id: ResId): string {
  return `${cluster}/${manifestInCluster(id)}`;
}

export function clusterKustomizationPath(cluster: string): string {
  return `${cluster}/kustomization.yaml`;
}

export function valuesFilePath(cluster: string, release: string): string {
  return `${cluster}/helm/${release}.values.yaml`;
}

export function istioOperatorPath(cluster: string): string {
  return `${cluster}/istioctl/istio-operator.yaml`;
}

/** Istio 1.4's install file (install.istio.io/v1alpha2 IstioControlPlane), for `istioctl manifest apply -f`. */
export function istioControlPlanePath(cluster: string): string {
  return `${cluster}/istioctl/istio-control-plane.yaml`;
}

/** The file istioctl installs a cluster from: the IstioControlPlane of Istio 1.4, else the IstioOperator. */
export function istioctlInstallFilePath(cluster: string, kind: 'IstioOperator' | 'IstioControlPlane'): string {
  return kind === 'IstioControlPlane' ? istioControlPlanePath(cluster) : istioOperatorPath(cluster);
}

/** root-cert.pem, ca-cert.pem or cert-chain.pem of a primary */
export function certPath(cluster: string, file: string): string {
  return `${cluster}/${CERTS_DIR}/${file}`;
}

export function secretsDir(cluster: string): string {
  return `${cluster}/${SECRETS_DIR}`;
}

export function cacertsPath(cluster: string): string {
  return `${secretsDir(cluster)}/cacerts.yaml`;
}

/** The remote secret that lets the istiod of `reader` read `read`. */
export function remoteSecretPath(reader: string, secretName: string): string {
  return `${secretsDir(reader)}/${secretName}.yaml`;
}

/**
 * The .gitignore lines that keep every cluster's private directory out of git, and only
 * those: a cluster named "secrets" has public GitOps wrappers in argocd/secrets/ and
 * flux/secrets/, which the negations keep. (A negation, rather than one line per cluster, so
 * that the secrets of a cluster removed from the mesh stay ignored until they are pruned.)
 */
export const SECRETS_IGNORE_LINES: readonly string[] = [`/*/${SECRETS_DIR}/`, `!/${ARGOCD_DIR}/${SECRETS_DIR}/`, `!/${FLUX_DIR}/${SECRETS_DIR}/`];

/** The .gitignore lines for a build's work files, left behind only when a build is killed. */
export const WORK_FILES_IGNORE_LINES: readonly string[] = [`/${STAGING_DIR}/`, `/${JOURNAL_PATH}`];

/** The .gitignore line for the stat cache and its temporary file: local to the machine that built. */
export const STAT_CACHE_IGNORE_LINES: readonly string[] = [`/${STAT_CACHE_PATH}*`];

export function argocdRootPath(id: ResId): string {
  return `${ARGOCD_DIR}/${manifestFileName(id)}`;
}

export function argocdKustomizationPath(): string {
  return `${ARGOCD_DIR}/kustomization.yaml`;
}

export function argocdClusterDir(cluster: string): string {
  return `${ARGOCD_DIR}/${cluster}`;
}

export function argocdClusterPath(cluster: string, id: ResId): string {
  return `${argocdClusterDir(cluster)}/${manifestFileName(id)}`;
}

export function fluxRootPath(id: ResId): string {
  return `${FLUX_DIR}/${manifestFileName(id)}`;
}

export function fluxClusterDir(cluster: string): string {
  return `${FLUX_DIR}/${cluster}`;
}

/** Where a cluster's control-plane HelmReleases are, under flux/<cluster>/, when a Kustomization of their own applies them. */
export const FLUX_CONTROL_PLANE_DIR = 'control-plane';

export function fluxControlPlanePath(cluster: string, id: ResId): string {
  return `${fluxClusterDir(cluster)}/${FLUX_CONTROL_PLANE_DIR}/${manifestFileName(id)}`;
}

export function fluxClusterPath(cluster: string, id: ResId): string {
  return `${fluxClusterDir(cluster)}/${manifestFileName(id)}`;
}

/**
 * The cluster a path belongs to: its first segment, or the second under the GitOps
 * directories. Undefined for mesh-level files.
 */
export function clusterOfPath(path: string, clusters: readonly string[]): string | undefined {
  const [first, second] = path.split('/');
  if (clusters.includes(first)) return first;
  return (first === ARGOCD_DIR || first === FLUX_DIR) && second !== undefined && clusters.includes(second) ? second : undefined;
}

/**
 * Private material lives in `<cluster>/secrets/`. Files that are no longer rendered are known
 * only by path (from the manifest), so this is how a removed file is recognised as private.
 * `argocd/secrets/...` and `flux/secrets/...` are the public wrappers of a cluster named
 * "secrets" (no cluster may be named argocd or flux, MG2403).
 */
export function isPrivatePath(path: string): boolean {
  const segments = path.split('/');
  return segments.length >= 3 && segments[1] === SECRETS_DIR && segments[0] !== ARGOCD_DIR && segments[0] !== FLUX_DIR;
}

/**
 * The directories whose every file meshgen writes, and that a GitOps tool applies as a
 * whole (an Argo CD directory source, a Flux Kustomization): a file meshgen does not know in
 * one of them would be applied too, so `--check` reports it.
 */
export function ownedDirs(clusters: readonly string[]): string[] {
  return [...clusters.flatMap((c) => [manifestsDir(c), `${c}/helm`, `${c}/${CERTS_DIR}`]), ARGOCD_DIR, FLUX_DIR];
}

/** The cluster and object identity of a path under <cluster>/manifests/, or undefined for any other path. */
export function manifestOfPath(path: string): { cluster: string; id: ResId } | undefined {
  const [cluster, dir, file, ...rest] = path.split('/');
  if (dir !== MANIFESTS_DIR || !file?.endsWith('.yaml') || rest.length) return undefined;
  const parts = file.slice(0, -'.yaml'.length).split('_');
  if (parts.length !== 4) return undefined;
  const [group, kind, namespace, name] = parts;
  return { cluster, id: { group: group === 'core' ? '' : group, kind, namespace, name } };
}
