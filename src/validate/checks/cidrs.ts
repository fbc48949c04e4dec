import { error } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import { parseCidr, cidrsOverlap } from '../cidr.js';
import type { Context } from './check-context.js';

/** Clusters on one network share a flat address space: their ranges must not overlap. */
export function checkCidrs({ document, at, report }: Context) {
  for (const field of ['podCIDR', 'serviceCIDR'] as const) {
    const parsed = document.spec.clusters.map((c, i) => {
      const text = c[field];
      if (text === undefined) return undefined;
      const cidr = parseCidr(text);
      if (!cidr) {
        report(error(Codes.InvalidCidr, `${field} "${text}" of cluster "${c.name}" is not a CIDR range`, { ...at(['spec', 'clusters', i, field]), hint: 'write it as address/prefix, e.g. 10.10.0.0/16' }));
      }
      return cidr;
    });
    document.spec.clusters.forEach((c, i) => {
      for (let j = 0; j < i; j++) {
        const a = parsed[j];
        const b = parsed[i];
        const other = document.spec.clusters[j];
        if (a && b && other.network === c.network && cidrsOverlap(a, b)) {
          report(
            error(Codes.InvalidCidr, `${field} ${c[field]} of cluster "${c.name}" overlaps ${other[field]} of cluster "${other.name}" on network "${c.network}"`, {
              ...at(['spec', 'clusters', i, field]),
              hint: 'clusters on one network need unique, routable ranges; give each its own range, or put them on different networks',
            }),
          );
        }
      }
    });
  }
}
