import type { MeshModel } from '../../model/mesh-model.js';
import type { ClusterPlan } from '../../plan/cluster-plan.js';
import type { MeshPlan } from '../../plan/mesh-plan.js';
import { EAST_WEST_GATEWAY_RELEASE, type ChartRelease } from '../../plan/chart-releases.js';
import { eastWestGatewayValues, ingressGatewayValues, type GatewayValues } from './gateway-values.js';
import { istioBaseValues, istiodValues, type IstioBaseValues, type IstiodValues } from './istio-values.js';
import { cniValues, ztunnelValues, type CniValues, type ZtunnelValues } from '../ambient/ambient-values.js';
import { withUpgrade } from './upgrade-values.js';
import { mergeValues } from '../../rules/helm-overlays.js';

/** The values of one release: typed per chart. */
export type HelmValues = IstioBaseValues | IstiodValues | GatewayValues | CniValues | ZtunnelValues;

/** The values of one planned release: written to its values file and carried by the Flux HelmRelease. */
export function chartValues(mesh: MeshModel, meshPlan: MeshPlan, plan: ClusterPlan, release: ChartRelease): HelmValues {
  const layers = plan.escapeHatches.valuesOverlays.get(release.release) ?? [];
  // the user's overlays (spec.helm, then clusters[].helm), merged as Helm merges values files,
  // over meshgen's values; then a canary upgrade's revision and tags, which the upgrade plan owns
  return withUpgrade(layers.reduce<HelmValues>((values, layer) => mergeValues(values, layer.values), meshgenValues(mesh, meshPlan, plan, release)), release);
}

/** The values meshgen derives from mesh.yaml for one release. */
function meshgenValues(mesh: MeshModel, meshPlan: MeshPlan, plan: ClusterPlan, release: ChartRelease): HelmValues {
  switch (release.chart) {
    case 'base':
      return istioBaseValues(mesh, plan);
    case 'istiod':
      return istiodValues(mesh, plan, meshPlan.clusterLocalHosts, meshPlan.rotation?.multiRoot ?? false);
    case 'gateway':
      return release.release === EAST_WEST_GATEWAY_RELEASE ? eastWestGatewayValues(mesh, plan.cluster) : ingressGatewayValues(mesh, plan.cluster);
    case 'cni':
      return cniValues(mesh);
    case 'ztunnel':
      return ztunnelValues(mesh, plan);
  }
}
