import { compareText } from '../diagnostics/diagnostic.js';
import type { MeshSpec, ServiceSpec } from '../rules/mesh-spec.js';
import { isLegacyGlobal, legacySuffixOf } from '../rules/topology.js';
import { vipOf } from '../rules/legacy-vips.js';

// The legacy .global model (Istio's "replicated control planes"): every
// cluster runs its own istiod and knows only its own endpoints; a service in another cluster
// is reached as <name>.<namespace>.<suffix>, a ServiceEntry with a virtual IP whose endpoints
// are the serving clusters' gateways on 15443.

export interface LegacyServicePort {
  name: string;
  number: number;
  protocol?: string;
}

export interface LegacyServiceModel {
  name: string;
  namespace: string;
  /** <name>.<namespace>.<suffix> */
  host: string;
  vip: string;
  ports: LegacyServicePort[];
  /** the clusters that run it, sorted */
  servingClusters: string[];
}

export interface LegacyGlobalModel {
  suffix: string;
  /** sorted by host */
  services: LegacyServiceModel[];
}

/** Undefined unless spec.legacy.global.enabled. Assumes a validated document. */
export function buildLegacyGlobal(spec: MeshSpec): LegacyGlobalModel | undefined {
  if (!isLegacyGlobal(spec)) return undefined;
  const suffix = legacySuffixOf(spec);
  const services = (spec.services ?? [])
    .map((s) => legacyService(s, suffix))
    .sort((a, b) => compareText(a.host, b.host));
  return { suffix, services };
}

function legacyService(s: ServiceSpec, suffix: string): LegacyServiceModel {
  return {
    name: s.name,
    namespace: s.namespace,
    host: `${s.name}.${s.namespace}.${suffix}`,
    vip: vipOf(s),
    // ServiceEntry ports need a name (the CRD requires it; endpoint ports are keyed by it)
    ports: (s.ports ?? []).map((p) => ({ name: p.name ?? `port-${p.port}`, number: p.port, protocol: p.protocol })),
    servingClusters: [...(s.clusters ?? [])].sort(compareText),
  };
}
