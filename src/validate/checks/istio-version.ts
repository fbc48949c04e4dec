import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { isLegacyOnly, isSupported, legacyRange, parseIstioVersion, supportedRange } from '../../rules/istio-versions.js';
import { isLegacyGlobal } from '../../rules/topology.js';
import type { Context } from './check-context.js';

export function checkIstioVersion({ document, at, report }: Context) {
  const version = document.spec.istio.version;
  const parsed = parseIstioVersion(version);
  const legacyGlobal = isLegacyGlobal(document.spec);
  if (parsed && !isSupported(parsed, { legacyGlobal })) {
    report(
      error(Codes.UnsupportedIstioVersion, `istio.version "${version}" is not supported${isLegacyOnly(parsed) ? ' without legacy.global' : ''}`, {
        ...at(['spec', 'istio', 'version']),
        hint: isLegacyOnly(parsed)
          ? `Istio ${legacyRange()} is rendered only for the legacy .global model (legacy.global.enabled: true); for any other mesh meshgen renders Istio ${supportedRange()}`
          : `meshgen renders Istio ${supportedRange()}, and ${legacyRange()} for the legacy .global model`,
      }),
    );
  }
}
