import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { AMBIENT_MULTI_NETWORK_BETA_MINOR, FIRST_AMBIENT_MULTICLUSTER } from '../../rules/ambient.js';
import { parseIstioVersion } from '../../rules/istio-versions.js';
import { isLegacyGlobal, roleOf } from '../../rules/topology.js';
import type { Context } from './check-context.js';

// Ambient namespaces across clusters (issue #17): what Istio's ambient multicluster supports,
// from istio.io "Install ambient multicluster" (Current Status and Limitations) and
// ../shared/reference/gitops-secrets.md section 6. The shared root is checked by the pki stage
// (MG2905), which reads the CA material.

const AMBIENT_MULTICLUSTER_DOC = 'https://istio.io/latest/docs/ambient/install/multicluster/';

export function checkAmbient({ document, at, report }: Context): void {
  const spec = document.spec;
  const namespaces = spec.namespaces ?? [];
  const ambient = namespaces.map((n, i) => ({ n, i })).filter(({ n }) => n.injection === 'ambient');
  if (!ambient.length) return;
  const all = spec.clusters.map((c) => c.name);
  const networkOf = new Map(spec.clusters.map((c) => [c.name, c.network]));
  const clustersOf = (n: (typeof namespaces)[number]) => (n.clusters ?? all).filter((c) => networkOf.has(c));
  const injectionAt = (i: number) => at(['spec', 'namespaces', i, 'injection']);

  // Each of these leaves the namespace without a working data plane: one error per namespace.
  const remotes = spec.clusters.filter((c) => roleOf(c) === 'remote').map((c) => c.name);
  const legacy = isLegacyGlobal(spec);
  for (const { n, i } of ambient) {
    if (remotes.length) {
      report(
        error(Codes.AmbientWithRemoteClusters, `namespace "${n.name}" uses the ambient data plane, but the mesh has remote clusters (${remotes.join(', ')})`, {
          ...injectionAt(i),
          hint: `Istio's ambient multicluster supports multiple primaries only ("primary remote configuration is not currently supported", ${AMBIENT_MULTICLUSTER_DOC}): make every cluster a primary, or keep this namespace on sidecars (injection: sidecar)`,
        }),
      );
    }
    if (legacy) {
      report(
        error(Codes.AmbientWithLegacyGlobal, `namespace "${n.name}" uses the ambient data plane in a legacy .global mesh`, {
          ...injectionAt(i),
          hint: 'the .global names are answered by sidecars and ServiceEntries, which ambient workloads do not use; keep the namespace on sidecars, or leave the legacy model',
        }),
      );
    }
  }

  if (spec.istio.installer === 'istioctl') {
    const { n, i } = ambient[0]!;
    report(
      error(Codes.AmbientWithIstioctlInstaller, `namespace "${n.name}" uses the ambient data plane, but istio.installer is istioctl`, {
        ...injectionAt(i),
        hint: 'meshgen renders istio-cni and ztunnel as Helm releases: use istio.installer: helm (the default), or keep the namespace on sidecars',
      }),
    );
  }

  const multicluster = ambient.filter(({ n }) => clustersOf(n).length > 1);
  if (!multicluster.length) return;

  const parsed = parseIstioVersion(spec.istio.version);
  if (parsed && parsed.major === 1 && parsed.minor < FIRST_AMBIENT_MULTICLUSTER.minor) {
    const names = multicluster.map(({ n }) => `"${n.name}"`).join(', ');
    report(
      error(Codes.AmbientMulticlusterIstioTooOld, `istio.version "${spec.istio.version}" has no ambient multicluster, which ambient namespace ${names} needs (it is in more than one cluster)`, {
        ...at(['spec', 'istio', 'version']),
        hint: `ambient multicluster first shipped in Istio ${FIRST_AMBIENT_MULTICLUSTER.version} (alpha; multi-network beta from 1.${AMBIENT_MULTI_NETWORK_BETA_MINOR}): upgrade, or give the namespace one cluster`,
      }),
    );
  }

  // ambient scopes services by label selectors (meshConfig.serviceScopeConfigs); meshgen makes
  // these namespaces global, and cannot single out a Service it does not own by name
  const global = new Set(multicluster.map(({ n }) => n.name));
  (legacy ? [] : spec.services ?? []).forEach((s, i) => {
    if (s.clusterLocal && global.has(s.namespace)) {
      report(
        error(Codes.AmbientClusterLocalService, `service "${s.name}" is clusterLocal, but its namespace "${s.namespace}" is ambient and in several clusters, so its services are global`, {
          ...at(['spec', 'services', i, 'clusterLocal']),
          hint: 'ambient ignores meshConfig.serviceSettings and selects global services by label: move the service to a sidecar namespace, or to an ambient namespace of one cluster',
        }),
      );
    }
  });

  for (const { n, i } of multicluster) {
    const clusters = clustersOf(n);
    const shared = clusters.filter((c, k) => clusters.some((d, l) => l !== k && networkOf.get(d) === networkOf.get(c)));
    if (shared.length) {
      report(
        warning(Codes.AmbientSingleNetworkAlpha, `ambient namespace "${n.name}" is in clusters on one network (${shared.join(', ')}): single-network ambient multicluster is alpha`, {
          ...injectionAt(i),
          hint: `Istio marks only multi-network ambient multicluster beta, and calls single-network untested (${AMBIENT_MULTICLUSTER_DOC}; istio/istio#61066)`,
        }),
      );
    }
  }
  const acrossNetworks = multicluster.some(({ n }) => new Set(clustersOf(n).map((c) => networkOf.get(c))).size > 1);
  if (acrossNetworks && parsed && parsed.minor >= FIRST_AMBIENT_MULTICLUSTER.minor && parsed.minor < AMBIENT_MULTI_NETWORK_BETA_MINOR) {
    report(
      warning(Codes.AmbientMultiNetworkAlpha, `ambient namespaces span networks on Istio ${spec.istio.version}, where multi-network ambient multicluster is alpha`, {
        ...at(['spec', 'istio', 'version']),
        hint: `it is beta from Istio 1.${AMBIENT_MULTI_NETWORK_BETA_MINOR} ("Ambient multi-network multicluster support is now Beta", istio.io blog, 2026)`,
      }),
    );
  }
}
