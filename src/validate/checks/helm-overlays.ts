import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { chartKeys, chartKeySource, OVERLAY_RELEASES, overlayProblems, type HelmOverlays, type OverlayRelease } from '../../rules/helm-overlays.js';
import { isSupported, parseIstioVersion, usesHelm } from '../../rules/istio-versions.js';
import { isLegacyGlobal } from '../../rules/topology.js';
import type { ClusterSpec, MeshSpec } from '../../rules/mesh-spec.js';
import type { YamlPath } from '../../load/mesh-source.js';
import { closestMatch } from '../did-you-mean.js';
import type { Context } from './check-context.js';

// Helm values overlays (spec.helm, clusters[].helm): every key must be one the release's chart
// reads in spec.istio.version (the istiod chart has no schema and ignores a misspelled key
// silently, so a typo would be a setting that never applies), no key may be one meshgen
// derives from mesh.yaml, a cluster's overlay must name a release the cluster installs, and
// each value must have the type the chart takes (rules/helm-overlays.ts, typeProblem).

export function checkHelmOverlays({ document, at, report }: Context) {
  const spec = document.spec;
  const version = parseIstioVersion(spec.istio.version);
  if (!version || !isSupported(version, { legacyGlobal: isLegacyGlobal(spec), installer: spec.istio.installer })) return; // MG2004 says why

  const helm = usesHelm(version, spec.istio.installer);
  const check = (overlays: HelmOverlays, path: YamlPath, cluster?: ClusterSpec) => {
    for (const release of Object.keys(overlays) as OverlayRelease[]) {
      const releasePath = [...path, release];
      if (!helm) {
        report(
          error(Codes.HelmOverlayWithoutRelease, `helm.${release}: Istio ${spec.istio.version} is installed with istioctl here, so there are no Helm releases to merge values into`, {
            ...at(releasePath, 'key'),
            hint: spec.istio.installer === 'istioctl' ? 'remove the overlay, or install with Helm (spec.istio.installer: helm)' : `Istio 1.${version.minor} has no base/istiod/gateway charts meshgen installs; remove the overlay`,
          }),
        );
        continue;
      }
      if (cluster) {
        const missing = missingRelease(spec, cluster, release);
        if (missing) {
          report(error(Codes.HelmOverlayWithoutRelease, `helm.${release}: cluster "${cluster.name}" does not install the ${release} release`, { ...at(releasePath, 'key'), hint: missing }));
          continue;
        }
      }
      const chart = OVERLAY_RELEASES[release];
      const keys = chartKeys(version.minor, chart);
      if (!keys) continue; // every minor of the window is in the index (test/helm-overlays.test.ts)
      for (const problem of overlayProblems(overlays[release] ?? {}, chart, keys)) {
        const keyPath = [...releasePath, ...problem.path];
        const shown = problem.path.join('.');
        if (problem.kind === 'owned') {
          report(
            error(Codes.HelmOverlayOwnedKey, `helm.${release}: ${shown} is set by meshgen from mesh.yaml`, {
              ...at(keyPath, 'key'),
              hint: `change ${problem.field} instead; an overlay cannot change what meshgen derives, or the clusters would disagree about it`,
            }),
          );
        } else if (problem.kind === 'type') {
          const what = `helm.${release}: ${shown} is ${problem.actual}, but the ${chart} chart of Istio 1.${version.minor} takes ${problem.expected} there`;
          const where = at(keyPath);
          if (problem.reason === 'shape') {
            report(error(Codes.HelmOverlayValueShape, what, { ...where, hint: 'the chart\'s templates read this value as that type; write it so (or null to drop the chart default)' }));
          } else if (problem.reason === 'schema') {
            report(error(Codes.HelmOverlaySchemaType, what, { ...where, hint: `the chart's values.schema.json says so, and helm refuses the values otherwise${problem.expected.includes('string') ? '; quote it to make it a string' : ''}` }));
          } else {
            report(
              warning(Codes.HelmOverlayDefaultType, what, {
                ...where,
                hint: `the chart's default is ${problem.expected}, and its templates may not render another type as you mean: ${defaultTypeAdvice(problem.expected, problem.actual)}`,
              }),
            );
          }
        } else {
          const key = problem.path[problem.path.length - 1];
          const suggestion = closestMatch(key, problem.known);
          const parent = problem.path.slice(0, -1).join('.');
          report(
            error(Codes.HelmOverlayUnknownKey, `helm.${release}: the ${chart} chart of Istio 1.${version.minor} has no value ${shown}`, {
              ...at(keyPath, 'key'),
              hint: suggestion
                ? `did you mean "${[...problem.path.slice(0, -1), suggestion].join('.')}"?`
                : `the chart reads ${parent ? `under ${parent} ` : ''}${summarize(problem.known)} (keys from ${chartKeySource(version.minor)})`,
            }),
          );
        }
      }
    }
  };
  if (spec.helm) check(spec.helm, ['spec', 'helm']);
  spec.clusters.forEach((c, i) => {
    if (c.helm) check(c.helm, ['spec', 'clusters', i, 'helm'], c);
  });
}

function defaultTypeAdvice(expected: string, actual: string): string {
  if (expected.includes('string')) return 'quote the value to make it a string';
  if (expected === 'a boolean') return 'write true or false unquoted (a string "false" is true in a template\'s if)';
  if (actual === 'a string') return 'unquote the number';
  return 'check what the chart renders from it';
}

function summarize(keys: string[]): string {
  return keys.length > 12 ? `${keys.slice(0, 12).join(', ')}, ... (${keys.length} keys)` : keys.join(', ');
}

/**
 * Why a cluster does not install `release`, when mesh.yaml says so; undefined when it does.
 * The east-west gateway's default follows mesh-model.ts (on where other networks, remotes or
 * legacy .global clusters reach this cluster through it).
 */
function missingRelease(spec: MeshSpec, cluster: ClusterSpec, release: OverlayRelease): string | undefined {
  if (release === 'istio-ingressgateway' && cluster.ingressGateway?.enabled !== true) return 'enable its ingress gateway (ingressGateway.enabled: true), or remove the overlay';
  if (release === 'istio-eastwestgateway') {
    const enabled = cluster.eastWestGateway?.enabled;
    if (enabled === false) return 'its east-west gateway is disabled (eastWestGateway.enabled: false); remove the overlay';
    if (enabled === undefined && !eastWestByDefault(spec, cluster)) return 'the cluster needs no east-west gateway (one network, no remotes); enable it (eastWestGateway.enabled: true) or remove the overlay';
  }
  return undefined;
}

function eastWestByDefault(spec: MeshSpec, cluster: ClusterSpec): boolean {
  if (new Set(spec.clusters.map((c) => c.network)).size > 1) return true;
  if (spec.clusters.some((c) => c.role === 'remote' && c.controlPlane === cluster.name)) return true;
  return isLegacyGlobal(spec) && spec.clusters.length > 1 && (spec.services ?? []).some((s) => (s.clusters ?? []).includes(cluster.name));
}
