import { warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { Context } from './check-context.js';

export function checkDns({ document, at, report }: Context) {
  const dns = document.spec.dns;
  if (dns?.autoAllocate) {
    report(
      warning(Codes.DnsAutoAllocateDeprecated, 'dns.autoAllocate sets ISTIO_META_DNS_AUTO_ALLOCATE, which Istio deprecates', {
        ...at(['spec', 'dns', 'autoAllocate']),
        hint: 'istiod allocates ServiceEntry addresses itself by default (PILOT_ENABLE_IP_AUTOALLOCATE); remove autoAllocate unless your Istio version needs it',
      }),
    );
    if (!dns.capture) {
      report(
        warning(Codes.DnsAutoAllocateWithoutCapture, 'dns.autoAllocate has no effect without dns.capture', {
          ...at(['spec', 'dns', 'autoAllocate']),
          hint: 'set dns.capture: true, or remove autoAllocate',
        }),
      );
    }
  }
}
