import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { endOfLife, FEATURES, hasFeature, isLegacyOnly, isSupported, istioctlInstallCommand, legacyInstallKind, legacyRange, parseIstioVersion, supportedRange, type VersionedFeature } from '../../rules/istio-versions.js';
import { isLegacyGlobal } from '../../rules/topology.js';
import type { Context } from './check-context.js';

export function checkIstioVersion({ document, at, report, today }: Context) {
  const version = document.spec.istio.version;
  const parsed = parseIstioVersion(version);
  const legacyGlobal = isLegacyGlobal(document.spec);
  if (!parsed) return;
  if (!isSupported(parsed, { legacyGlobal, installer: document.spec.istio.installer })) {
    report(
      error(Codes.UnsupportedIstioVersion, `istio.version "${version}" is not supported${isLegacyOnly(parsed) ? ' without legacy.global' : ''}`, {
        ...at(['spec', 'istio', 'version']),
        hint: isLegacyOnly(parsed)
          ? `Istio ${legacyRange()} is rendered only for the legacy .global model (legacy.global.enabled: true); for any other mesh meshgen renders Istio ${supportedRange()}`
          : `meshgen renders Istio ${supportedRange()}, and ${legacyRange()} for the legacy .global model`,
      }),
    );
    return;
  }

  // what the mesh uses that this release does not have
  // (the Helm path: istioctl's own `remote` profile is older)
  if (!isLegacyOnly(parsed) && document.spec.istio.installer !== 'istioctl' && !hasFeature(parsed, FEATURES.remoteProfile)) {
    document.spec.clusters.forEach((c, i) => {
      if (c.role !== 'remote') return;
      const feature = FEATURES.remoteProfile;
      report(
        error(Codes.IstioVersionLacksFeature, `cluster "${c.name}" is a remote, but Istio ${version} lacks ${feature.what} (first in Istio 1.${feature.firstMinor})`, {
          ...at(['spec', 'clusters', i, 'role']),
          hint: `${feature.why}: use istio.version 1.${feature.firstMinor}.0 or newer, or make every cluster a primary (multi-primary)`,
        }),
      );
    });
  }

  // the legacy .global model on 1.4-1.7: what those releases' install APIs lack
  if (isLegacyOnly(parsed) && legacyGlobal) {
    if (document.spec.istio.installer === 'helm') {
      report(
        error(Codes.HelmInstallerOnIstioctlOnlyRelease, `istio.installer is helm, but meshgen installs Istio ${version} only with istioctl (istioctl ${istioctlInstallCommand(parsed)} -f its ${legacyInstallKind(parsed)})`, {
          ...at(['spec', 'istio', 'installer']),
          hint: `meshgen renders Helm values for the base, istiod and gateway charts of Istio ${supportedRange()}; for Istio ${legacyRange()} remove installer (or set it to istioctl)`,
        }),
      );
    }
    const suffix = document.spec.legacy?.global?.suffix;
    const lacking = (feature: VersionedFeature, path: (string | number)[]) =>
      report(
        error(Codes.IstioVersionLacksFeature, `Istio ${version} lacks ${feature.what} (first in Istio 1.${feature.firstMinor})`, {
          ...at(path),
          hint: `${feature.why}: remove it, or use istio.version 1.${feature.firstMinor}.0 or newer`,
        }),
      );
    if (suffix !== undefined && suffix !== 'global' && !hasFeature(parsed, FEATURES.globalDomainSuffix)) lacking(FEATURES.globalDomainSuffix, ['spec', 'legacy', 'global', 'suffix']);
    if (document.spec.istio.revision && !hasFeature(parsed, FEATURES.revision)) lacking(FEATURES.revision, ['spec', 'istio', 'revision']);
  }

  const eol = today ? endOfLife(parsed, today) : undefined;
  if (eol) {
    report(
      warning(Codes.IstioVersionEndOfLife, `Istio 1.${parsed.minor} reached its end of life (${eol}): it gets no more security fixes`, {
        ...at(['spec', 'istio', 'version']),
        hint: 'plan an upgrade to a supported minor (https://istio.io/latest/docs/releases/supported-releases/)',
      }),
    );
  }
}
