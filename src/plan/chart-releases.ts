import { DEFAULT_INGRESS_NAMESPACE, ISTIO_NAMESPACE, type MeshModel } from '../model/mesh-model.js';

// The Helm releases of one cluster, in install order. The values files, the install commands
// in out/README.md, the Argo CD Applications and the Flux HelmReleases are all made from this
// one list, so they can never disagree about names, charts or order.

export type IstioChart = 'base' | 'istiod' | 'gateway' | 'cni' | 'ztunnel';

export interface ChartRelease {
  /** Helm release name (as in Istio's guides); also names the values file */
  release: string;
  /** chart name in spec.istio.chartRepository */
  chart: IstioChart;
  /** the namespace it is installed in: istio-system, or the ingress gateway's own namespace */
  namespace: string;
  /**
   * A gateway of a remote: its pods are injected by the primary's istiod through the
   * remote's webhook, which works only once the remote secret is in the primary.
   */
  waitsForRemoteSecret: boolean;
  /** spec.istio.upgrade: the control plane this release belongs to, its chart version and revision */
  upgrade?: ReleaseUpgrade;
}

/** The chart version a release installs: the upgrade's side, or spec.istio.version. */
export function releaseVersion(mesh: MeshModel, release: ChartRelease): string {
  return release.upgrade?.version ?? mesh.istio.version;
}

/** How one release takes part in a canary upgrade (spec.istio.upgrade, see upgrade-plan.ts): which control plane, at which chart version. */
export interface ReleaseUpgrade {
  /** old: the current control plane's chart; new: the upgrade's */
  side: 'old' | 'new';
  version: string;
  /** istiod and gateways: the revision (or tag) its pods or webhooks carry */
  revision?: string;
  /** istiod: the revision tags this release renders */
  revisionTags?: string[];
  /** istio-base: the revision the default validating webhook points at */
  defaultRevision?: string;
}

export const EAST_WEST_GATEWAY_RELEASE = 'istio-eastwestgateway';
export const INGRESS_GATEWAY_RELEASE = 'istio-ingressgateway';
/** The ambient data plane's releases, named as Istio's ambient Helm guide installs them. */
export const CNI_RELEASE = 'istio-cni';
export const ZTUNNEL_RELEASE = 'ztunnel';

/** What decides a cluster's releases; the cluster plan computes each of these first. */
export interface ReleaseInputs {
  /** Istio 1.4-1.7 (legacy .global) installs with istioctl and an IstioOperator (1.4: IstioControlPlane), not Helm */
  istioOperator: boolean;
  onRemote: boolean;
  eastWestGateway: boolean;
  ingressGateway: boolean;
  /** ambient namespaces in the cluster: istio-cni and ztunnel, after istiod (issue #17) */
  ambient: boolean;
  /** ingressGateway.namespace (default istio-ingress, as Istio's gateway install docs use) */
  ingressNamespace?: string;
  /** istio.revision ('' = the default revision): names the istiod release */
  revision?: string;
}

/**
 * The Helm release of an istiod: `istiod` for the default revision, `istiod-<revision>` for a
 * revision, as Istio's Helm canary guide names them (`helm install istiod-canary ... --set
 * revision=canary`, https://istio.io/latest/docs/setup/upgrade/helm/). One name per revision
 * keeps a control plane's release the same across a canary upgrade: the new revision's
 * istiod-<rev> stays istiod-<rev> once the upgrade is over and istio.revision names it.
 */
export function istiodReleaseName(revision: string | undefined): string {
  return revision ? `istiod-${revision}` : 'istiod';
}

export function chartReleases(inputs: ReleaseInputs): ChartRelease[] {
  if (inputs.istioOperator) return [];
  const gateway = (release: string, namespace: string): ChartRelease => ({ release, chart: 'gateway', namespace, waitsForRemoteSecret: inputs.onRemote });
  return [
    { release: 'istio-base', chart: 'base', namespace: ISTIO_NAMESPACE, waitsForRemoteSecret: false },
    { release: istiodReleaseName(inputs.revision), chart: 'istiod', namespace: ISTIO_NAMESPACE, waitsForRemoteSecret: false },
    // istiod, then the CNI node agent, then ztunnel: Istio's ambient install order (both in istio-system)
    ...(inputs.ambient
      ? [
          { release: CNI_RELEASE, chart: 'cni', namespace: ISTIO_NAMESPACE, waitsForRemoteSecret: false } as const,
          { release: ZTUNNEL_RELEASE, chart: 'ztunnel', namespace: ISTIO_NAMESPACE, waitsForRemoteSecret: false } as const,
        ]
      : []),
    ...(inputs.eastWestGateway ? [gateway(EAST_WEST_GATEWAY_RELEASE, ISTIO_NAMESPACE)] : []),
    ...(inputs.ingressGateway ? [gateway(INGRESS_GATEWAY_RELEASE, inputs.ingressNamespace ?? DEFAULT_INGRESS_NAMESPACE)] : []),
  ];
}

export function isOciRepository(mesh: MeshModel): boolean {
  return mesh.istio.chartRepository.startsWith('oci://');
}

/**
 * How `helm upgrade --install` names the chart: a classic repository takes `<chart> --repo <url>`;
 * an OCI registry takes the chart's full `oci://` reference (--repo does not accept OCI).
 */
export function helmChartArguments(mesh: MeshModel, chart: IstioChart): string {
  const repository = mesh.istio.chartRepository.replace(/\/+$/, '');
  return isOciRepository(mesh) ? `${repository}/${chart}` : `${chart} --repo ${repository}`;
}
