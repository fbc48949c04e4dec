import { DEFAULT_INGRESS_NAMESPACE, ISTIO_NAMESPACE, type MeshModel } from '../model/mesh-model.js';

// The Helm releases of one cluster, in install order. The values files, the install commands
// in out/README.md, the Argo CD Applications and the Flux HelmReleases are all made from this
// one list, so they can never disagree about names, charts or order.

export type IstioChart = 'base' | 'istiod' | 'gateway';

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
}

export const EAST_WEST_GATEWAY_RELEASE = 'istio-eastwestgateway';
export const INGRESS_GATEWAY_RELEASE = 'istio-ingressgateway';

/** What decides a cluster's releases; the cluster plan computes each of these first. */
export interface ReleaseInputs {
  /** Istio 1.6-1.7 (legacy .global) installs with istioctl and an IstioOperator, not Helm */
  istioOperator: boolean;
  onRemote: boolean;
  eastWestGateway: boolean;
  ingressGateway: boolean;
  /** ingressGateway.namespace (default istio-ingress, as Istio's gateway install docs use) */
  ingressNamespace?: string;
}

export function chartReleases(inputs: ReleaseInputs): ChartRelease[] {
  if (inputs.istioOperator) return [];
  const gateway = (release: string, namespace: string): ChartRelease => ({ release, chart: 'gateway', namespace, waitsForRemoteSecret: inputs.onRemote });
  return [
    { release: 'istio-base', chart: 'base', namespace: ISTIO_NAMESPACE, waitsForRemoteSecret: false },
    { release: 'istiod', chart: 'istiod', namespace: ISTIO_NAMESPACE, waitsForRemoteSecret: false },
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
