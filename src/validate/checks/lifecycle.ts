import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { isLegacyOnly, isSupported, parseIstioVersion, supportedRange } from '../../rules/istio-versions.js';
import { isLegacyGlobal } from '../../rules/topology.js';
import { hasAmbientNamespace } from '../../rules/ambient.js';
import type { Context } from './check-context.js';

// Day-2 phases: a canary control-plane upgrade (spec.istio.upgrade) and a root rotation
// (spec.pki.rotation) must be ones meshgen can stage for this mesh.

/** The names the upgrade gives its revision tags; a revision by one of these names would be ambiguous. */
const TAG_NAMES = ['prod-stable', 'prod-canary', 'default'];

/**
 * Istio supports canary (revision) upgrades across at most two minor versions
 * (https://istio.io/latest/docs/releases/supported-releases/#control-planedata-plane-skew and
 * https://istio.io/latest/docs/setup/upgrade/canary/).
 */
export const MAX_UPGRADE_MINORS = 2;

export function checkLifecycle({ document, at, report }: Context) {
  const istio = document.spec.istio;
  const current = parseIstioVersion(istio.version);
  const legacyInstall = current !== undefined && isLegacyOnly(current) && isLegacyGlobal(document.spec);
  if (document.spec.pki?.rotation && legacyInstall) {
    report(
      error(Codes.RotationOnLegacyInstall, `a root rotation needs istiod's multi-root trust (ISTIO_MULTIROOT_MESH), which Istio ${istio.version} does not have`, {
        ...at(['spec', 'pki', 'rotation'], 'key'),
        hint: `upgrade Istio first (meshgen renders ${supportedRange()}), or rotate the root by reinstalling each cluster`,
      }),
    );
  }
  if (document.spec.pki?.rotation && document.spec.pki.provider === 'cert-manager') {
    report(
      error(Codes.RotationNotSupported, 'a root rotation with pki.provider cert-manager: the issuer owns the root, and meshgen holds none of its keys', {
        ...at(['spec', 'pki', 'rotation'], 'key'),
        hint: "rotate the root at the issuer (cert-manager's CA Issuer or your PKI), then point pki.certManager.rootCertFile at the new root; remove spec.pki.rotation",
      }),
    );
  }
  const upgrade = istio.upgrade;
  if (!upgrade) return;
  const ambient = hasAmbientNamespace(document.spec);
  if (istio.installer === 'istioctl' || ambient) {
    report(
      error(Codes.UpgradeOfInstallerOrDataPlane, istio.installer === 'istioctl' ? 'a canary upgrade with istio.installer istioctl is not rendered: meshgen stages upgrades as Helm releases' : 'a canary upgrade of a mesh with ambient namespaces is not rendered: istio-cni and ztunnel are not upgraded by revision', {
        ...at(['spec', 'istio', 'upgrade'], 'key'),
        hint: istio.installer === 'istioctl' ? 'use istio.installer: helm, or upgrade with istioctl (istioctl install --set revision=...) outside meshgen' : "upgrade istio-cni and ztunnel in place first (Istio's ambient upgrade guide), or move the namespaces to sidecars for the upgrade",
      }),
    );
    return;
  }
  if (legacyInstall) {
    report(error(Codes.UpgradeNotSupported, `a canary upgrade of Istio ${istio.version} is not rendered: meshgen installs it with istioctl, not Helm`, { ...at(['spec', 'istio', 'upgrade'], 'key'), hint: 'canary upgrades start from Istio 1.24 or later' }));
    return;
  }
  const target = parseIstioVersion(upgrade.version);
  if (target && !isSupported(target)) {
    report(error(Codes.UpgradeVersionUnsupported, `istio.upgrade.version "${upgrade.version}" is not supported`, { ...at(['spec', 'istio', 'upgrade', 'version']), hint: `meshgen renders Istio ${supportedRange()}` }));
  } else if (target && current) {
    const minors = (target.major - current.major) * 100 + target.minor - current.minor;
    const newer = minors > 0 || (minors === 0 && target.patch > current.patch);
    if (!newer) {
      report(
        error(Codes.UpgradeVersionWindow, `istio.upgrade.version ${upgrade.version} is not newer than istio.version ${istio.version}: a canary upgrade goes forward only`, {
          ...at(['spec', 'istio', 'upgrade', 'version']),
          hint: 'to go back, finish or undo the upgrade in mesh.yaml (remove spec.istio.upgrade) instead of a downgrade',
        }),
      );
    } else if (minors > MAX_UPGRADE_MINORS || target.major !== current.major) {
      report(
        error(Codes.UpgradeVersionWindow, `istio.upgrade.version ${upgrade.version} is ${minors} minor versions ahead of istio.version ${istio.version}; Istio supports canary upgrades of at most ${MAX_UPGRADE_MINORS}`, {
          ...at(['spec', 'istio', 'upgrade', 'version']),
          hint: `upgrade in steps: first to 1.${current.minor + MAX_UPGRADE_MINORS}.x, finalize, then on`,
        }),
      );
    }
  }
  if (upgrade.revision === (istio.revision ?? '') || TAG_NAMES.includes(upgrade.revision)) {
    report(
      error(Codes.UpgradeRevisionClash, `istio.upgrade.revision "${upgrade.revision}" ${TAG_NAMES.includes(upgrade.revision) ? 'is the name of a revision tag the upgrade renders' : 'is the current revision'}`, {
        ...at(['spec', 'istio', 'upgrade', 'revision']),
        hint: `name the new revision after its version, e.g. ${target ? `${target.major}-${target.minor}-${target.patch}` : '1-31-0'}`,
      }),
    );
  }
  if (istio.revision && TAG_NAMES.includes(istio.revision)) {
    report(error(Codes.UpgradeRevisionClash, `istio.revision "${istio.revision}" is the name of a revision tag the upgrade renders`, { ...at(['spec', 'istio', 'revision']), hint: 'a revision is named after its version, e.g. 1-30-3' }));
  }
  const declared = new Set((document.spec.namespaces ?? []).map((n) => n.name));
  (upgrade.namespaces ?? []).forEach((name, i) => {
    if (upgrade.phase !== 'migrate') {
      if (i === 0) report(error(Codes.UpgradeUnknownNamespace, `istio.upgrade.namespaces applies to the migrate phase only, not ${upgrade.phase}`, { ...at(['spec', 'istio', 'upgrade', 'namespaces'], 'key'), hint: upgrade.phase === 'finalize' ? 'finalize moves every namespace: remove the list' : 'remove the list until the migrate phase' }));
    } else if (!declared.has(name)) {
      report(error(Codes.UpgradeUnknownNamespace, `istio.upgrade.namespaces names "${name}", which spec.namespaces does not define`, { ...at(['spec', 'istio', 'upgrade', 'namespaces', i]), hint: `namespaces: ${[...declared].join(', ') || 'none'}` }));
    }
  });
}
