import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { isLegacyGlobal } from '../../rules/topology.js';
import type { Context } from './check-context.js';

// Checks of spec.namespaces, spec.services and spec.verification (issue #8).


/** Namespaces meshgen manages itself, or that belong to Kubernetes. */
const RESERVED_NAMESPACES = ['istio-system', 'kube-system', 'kube-public', 'kube-node-lease'];

export function checkServices({ document, at, report }: Context): void {
  const spec = document.spec;
  const clusterNames = spec.clusters.map((c) => c.name);
  const namespaceClusters = new Map((spec.namespaces ?? []).map((n) => [n.name, n.clusters ?? clusterNames]));

  (spec.namespaces ?? []).forEach((n, i) => {
    if (RESERVED_NAMESPACES.includes(n.name)) {
      report(error(Codes.ReservedNamespace, `namespace "${n.name}" cannot be declared in spec.namespaces`, { ...at(['spec', 'namespaces', i, 'name']), hint: n.name === 'istio-system' ? 'meshgen renders istio-system itself' : 'it belongs to Kubernetes' }));
    }
  });

  // In a legacy .global mesh, services are reached by their .global names; legacy-checks.ts checks them.
  const legacy = isLegacyGlobal(spec);
  (legacy ? [] : spec.services ?? []).forEach((s, i) => {
    const at_ = (...rest: (string | number)[]) => at(['spec', 'services', i, ...rest]);
    const runsIn = s.clusters ?? clusterNames;
    const declaredIn = namespaceClusters.get(s.namespace);
    const missing = runsIn.filter((c) => !declaredIn?.includes(c) && clusterNames.includes(c));
    if (missing.length) {
      report(
        error(Codes.ServiceNamespaceUndeclared, `service "${s.name}" runs in ${list(missing)}, where namespace "${s.namespace}" is not declared`, {
          ...at_('namespace'),
          hint: declaredIn ? `add ${list(missing)} to the clusters of namespace "${s.namespace}"` : `declare it: spec.namespaces: [{ name: ${s.namespace} }]`,
        }),
      );
    }
    const weights = s.trafficPolicy?.weights;
    if (weights) {
      for (const cluster of Object.keys(weights)) {
        if (!runsIn.includes(cluster)) {
          report(
            error(Codes.WeightForClusterWithoutService, `service "${s.name}" gives a weight to cluster "${cluster}", which does not run it`, {
              ...at(['spec', 'services', i, 'trafficPolicy', 'weights', cluster], 'key'),
              hint: `weights split traffic between the clusters that run the service: ${runsIn.join(', ')}`,
            }),
          );
        }
      }
      const sum = Object.values(weights).reduce((a, b) => a + b, 0);
      if (sum !== 100) {
        report(error(Codes.WeightsNot100, `the weights of service "${s.name}" add up to ${sum}, not 100`, { ...at_('trafficPolicy', 'weights'), hint: 'give each cluster a percentage; together they must make 100' }));
      }
    }
    if (s.trafficPolicy?.localityFailover) {
      const withoutRegion = runsIn.filter((c) => !spec.clusters.find((cl) => cl.name === c)?.region);
      if (withoutRegion.length) {
        report(
          error(Codes.FailoverWithoutLocality, `locality failover of service "${s.name}" needs a region on ${list(withoutRegion)}`, {
            ...at_('trafficPolicy', 'localityFailover'),
            hint: 'set region (and zone where useful) on every cluster that runs the service: failover goes by locality',
          }),
        );
      }
    }
    const needsPorts = (!spec.dns?.capture && clusterNames.some((c) => declaredIn?.includes(c) && !runsIn.includes(c))) || weights !== undefined;
    if (needsPorts && !s.ports?.length) {
      report(
        error(Codes.ServicePortsMissing, `service "${s.name}" needs ports`, {
          ...at_('name'),
          hint: weights ? 'the weighted routes are per port' : 'its Service is rendered in the clusters that call it without running it, so their DNS resolves the name; list its ports',
        }),
      );
    }
  });

  if (spec.verification?.enabled && spec.clusters.length < 2) {
    report(warning(Codes.VerificationNeedsTwoClusters, 'verification needs at least two clusters: one cluster can only reach itself', at(['spec', 'verification', 'enabled'])));
  }
}

function list(clusters: string[]): string {
  return clusters.map((c) => `"${c}"`).join(', ');
}
