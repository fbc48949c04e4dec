import type { ChartRelease } from '../../plan/chart-releases.js';
import type { GatewayValues } from './gateway-values.js';
import type { IstioBaseValues, IstiodValues } from './istio-values.js';

// spec.istio.upgrade: the part of a release's values that the upgrade plan decides (the
// revision, the revision tags, the default revision); everything else is the release's own.

type Values = IstioBaseValues | IstiodValues | GatewayValues;

export function withUpgrade<V extends Values>(values: V, release: ChartRelease): V {
  const upgrade = release.upgrade;
  if (!upgrade) return values;
  switch (release.chart) {
    case 'base': {
      const base = { ...(values as IstioBaseValues) };
      if (upgrade.defaultRevision) base.defaultRevision = upgrade.defaultRevision;
      else delete base.defaultRevision;
      return base as V;
    }
    case 'istiod': {
      const istiod = { ...(values as IstiodValues) };
      if (upgrade.revision) istiod.revision = upgrade.revision;
      else delete istiod.revision;
      if (upgrade.revisionTags?.length) istiod.revisionTags = [...upgrade.revisionTags];
      return istiod as V;
    }
    case 'gateway':
      return { ...(values as GatewayValues), ...(upgrade.revision ? { revision: upgrade.revision } : {}) } as V;
    default:
      // istio-cni and ztunnel (ambient): not part of a canary upgrade's values
      return values;
  }
}
