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

/**
 * Ranges of different kinds: a pod address inside another cluster's service range on the same
 * network is taken for a service VIP there (kube-proxy and the sidecars intercept it), and a
 * cluster whose own pod and service ranges overlap cannot tell its pods from its services.
 */
export function checkPodServiceCidrs({ document, at, report }: Context) {
  const clusters = document.spec.clusters;
  const pod = clusters.map((c) => (c.podCIDR === undefined ? undefined : parseCidr(c.podCIDR)));
  const service = clusters.map((c) => (c.serviceCIDR === undefined ? undefined : parseCidr(c.serviceCIDR)));
  clusters.forEach((c, i) => {
    const p = pod[i];
    if (!p) return;
    const own = service[i];
    if (own && cidrsOverlap(p, own)) {
      report(
        error(Codes.OwnCidrsOverlap, `podCIDR ${c.podCIDR} of cluster "${c.name}" overlaps its own serviceCIDR ${c.serviceCIDR}`, {
          ...at(['spec', 'clusters', i, 'podCIDR']),
          hint: 'a cluster\'s pod and service ranges are disjoint (kube-controller-manager --cluster-cidr and kube-apiserver --service-cluster-ip-range): copy both from the cluster',
        }),
      );
    }
    clusters.forEach((other, j) => {
      const s = service[j];
      if (j === i || !s || other.network !== c.network || !cidrsOverlap(p, s)) return;
      report(
        error(Codes.PodCidrOverlapsServiceCidr, `podCIDR ${c.podCIDR} of cluster "${c.name}" overlaps serviceCIDR ${other.serviceCIDR} of cluster "${other.name}" on network "${c.network}"`, {
          ...at(['spec', 'clusters', i, 'podCIDR']),
          hint: `in "${other.name}" those pod addresses would be taken for its Service IPs; clusters on one network need disjoint ranges`,
        }),
      );
    });
  });
}

/** proxy.includeIPRanges: `auto` needs ranges on the network; a list must be ranges; a remote's pods take its primary's. */
export function checkIncludeIpRanges({ document, at, report }: Context) {
  const clusters = document.spec.clusters;
  clusters.forEach((c, i) => {
    const given = c.proxy?.includeIPRanges;
    if (given === undefined) return;
    const path = ['spec', 'clusters', i, 'proxy', 'includeIPRanges'];
    if ((c.role ?? 'primary') === 'remote') {
      report(
        error(Codes.IncludeIpRangesOnRemote, `remote cluster "${c.name}" sets proxy.includeIPRanges, but its pods are injected by the istiod of "${c.controlPlane ?? 'its primary'}"`, {
          ...at(path, 'key'),
          hint: `set it on "${c.controlPlane ?? 'the primary'}": its injector applies one setting to the pods of all its clusters (auto there covers every cluster on its network)`,
        }),
      );
      return;
    }
    // the schema leaves the value open (a string or a list): its shape is checked here
    const value: unknown = given;
    if (typeof value === 'string' && value === 'auto') {
      const onNetwork = clusters.filter((o) => o.network === c.network && (o.podCIDR !== undefined || o.serviceCIDR !== undefined));
      if (onNetwork.length === 0) {
        report(
          error(Codes.IncludeIpRangesAutoWithoutCidrs, `proxy.includeIPRanges of cluster "${c.name}" is auto, but no cluster on network "${c.network}" gives a podCIDR or serviceCIDR`, {
            ...at(path),
            hint: 'give podCIDR and serviceCIDR on the clusters of that network (auto captures exactly those), or list the ranges',
          }),
        );
      }
      return;
    }
    if (!Array.isArray(value) || value.length === 0) {
      report(error(Codes.IncludeIpRangesInvalid, `proxy.includeIPRanges of cluster "${c.name}" is ${JSON.stringify(value)}`, { ...at(path), hint: 'write auto, or a list of ranges such as [10.10.0.0/16, 10.96.0.0/16]' }));
      return;
    }
    const seen = new Set<string>();
    (value as unknown[]).forEach((range, r) => {
      const bad = typeof range !== 'string' || !parseCidr(range);
      if (bad || seen.has(range)) {
        report(error(Codes.IncludeIpRangesInvalid, `${JSON.stringify(range)} in proxy.includeIPRanges of cluster "${c.name}" is ${bad ? 'not a CIDR range' : 'listed twice'}`, { ...at([...path, r]), hint: 'write each range once, as address/prefix, e.g. 10.10.0.0/16' }));
      }
      if (typeof range === 'string') seen.add(range);
    });
  });
}
