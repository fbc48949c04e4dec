import type { MeshModel } from '../model/mesh-model.js';
import type { ClusterPlan } from './cluster-plan.js';
import { eastWestGatewayValues, ingressGatewayValues } from '../render/helm/gateway-values.js';
import { istioBaseValues, istiodValues, type HelmValues } from '../render/helm/istio-values.js';

// The Helm releases of one cluster, in install order. The values files, the install commands
// in out/README.md, the Argo CD Applications and the Flux HelmReleases are all made from this
// one list, so they can never disagree about names, charts, values or order.

export type IstioChart = 'base' | 'istiod' | 'gateway';

export interface ChartRelease {
  /** Helm release name (as in Istio's guides); also names the values file */
  release: string;
  /** chart name in spec.istio.chartRepository */
  chart: IstioChart;
  values: HelmValues;
  /**
   * A gateway of a remote: its pods are injected by the primary's istiod through the
   * remote's webhook, which works only once the remote secret is in the primary (gotcha 6).
   */
  waitsForRemoteSecret: boolean;
}

export function chartReleases(mesh: MeshModel, plan: ClusterPlan): ChartRelease[] {
  // legacy .global on Istio 1.6-1.7 installs with istioctl and an IstioOperator, not Helm
  if (plan.legacy?.istioOperator) return [];
  const onRemote = plan.controlPlane !== undefined;
  const releases: ChartRelease[] = [
    { release: 'istio-base', chart: 'base', values: istioBaseValues(mesh, plan), waitsForRemoteSecret: false },
    { release: 'istiod', chart: 'istiod', values: istiodValues(mesh, plan), waitsForRemoteSecret: false },
  ];
  if (plan.eastWestGateway) releases.push({ release: 'istio-eastwestgateway', chart: 'gateway', values: eastWestGatewayValues(mesh, plan.cluster), waitsForRemoteSecret: onRemote });
  if (plan.ingressGateway) releases.push({ release: 'istio-ingressgateway', chart: 'gateway', values: ingressGatewayValues(mesh, plan.cluster), waitsForRemoteSecret: onRemote });
  return releases;
}

/** out/<cluster>/helm/<release>.values.yaml, relative to out/ */
export function valuesFilePath(cluster: string, release: string): string {
  return `${cluster}/helm/${release}.values.yaml`;
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
