import { kubeObject, type KubeObject } from '../../resource/kube-object.js';
import { k8sClasses } from '../cluster/k8s-classes.js';
import type { ClusterDnsPlan, LegacyClusterPlan } from '../../plan/legacy-plan.js';

// The cluster DNS stub for the legacy .global zone, in kube-system of every calling cluster
// (istio.io docs/setup/install/multicluster/gateways,
// "Setup DNS"). Three shapes:
//   coredns         the whole `coredns` ConfigMap: Istio's documented Corefile plus a
//                   <suffix>:53 server block (meshgen cannot merge into a Corefile it has not seen)
//   coredns-custom  `coredns-custom` with a <suffix>.server key, which AKS and k3s import
//                   into their own Corefile, leaving it alone
//   kube-dns        `kube-dns` with stubDomains (forwarding only)
// The server block forwards to istiocoredns where Istio has it; otherwise it answers the
// names itself with the hosts plugin from the VIP table (coredns.io/plugins/hosts).

const KUBE_SYSTEM = 'kube-system';
/** A Corefile's indentation step, as in Istio's and kubeadm's Corefiles. */
const INDENT = '    ';

interface CoreDnsVersion {
  major: number;
  minor: number;
  patch: number;
}

function parseCoreDnsVersion(text: string | undefined): CoreDnsVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text ?? '');
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

function olderThan(v: CoreDnsVersion, major: number, minor: number): boolean {
  return v.major < major || (v.major === major && v.minor < minor);
}

/**
 * `proxy` for CoreDNS older than 1.4.0, `forward` from 1.4.0 on, as Istio's docs split it
 * (CoreDNS deprecated proxy in 1.4.0 and dropped it from the default build in 1.5.0). An
 * unknown version is taken as current (warning W2301).
 */
export function forwardPlugin(version: string | undefined): 'proxy' | 'forward' {
  const v = parseCoreDnsVersion(version);
  return v && olderThan(v, 1, 4) ? 'proxy' : 'forward';
}

/** The `ready` plugin exists from CoreDNS 1.5.0 (its release notes); kubeadm's Corefiles use it. */
function hasReadyPlugin(version: string | undefined): boolean {
  const v = parseCoreDnsVersion(version);
  return !v || !olderThan(v, 1, 5);
}

/** A server block: `zone:53 {`, one directive per line, nested blocks indented. */
function serverBlock(zone: string, directives: string[]): string {
  return [`${zone}:53 {`, ...directives.map((d) => d.replace(/^/gm, INDENT)), '}', ''].join('\n');
}

function nested(head: string, lines: string[]): string {
  return [`${head} {`, ...lines.map((l) => INDENT + l), '}'].join('\n');
}

/** The <suffix>:53 block: forwarded to istiocoredns, or answered from the VIP table. */
export function globalServerBlock(suffix: string, dns: ClusterDnsPlan): string {
  const answer =
    'forwardTo' in dns.answer
      ? `${forwardPlugin(dns.version)} . ${dns.answer.forwardTo}`
      : // inline entries only: no fallthrough, so a name not in the table is NXDOMAIN
        nested('hosts', dns.answer.hosts.map((h) => `${h.vip} ${h.host}`));
  return serverBlock(suffix, ['errors', 'cache 30', answer]);
}

/**
 * The cluster zone as Istio's replicated-control-planes guide writes the `coredns` ConfigMap,
 * with `ready` where CoreDNS has it, and the kubernetes plugin's `upstream` only before
 * CoreDNS 1.5 (a no-op from 1.5.2 by its release notes).
 */
export function mainServerBlock(version: string | undefined): string {
  const current = hasReadyPlugin(version);
  return serverBlock('.', [
    'errors',
    'health',
    ...(current ? ['ready'] : []),
    nested('kubernetes cluster.local in-addr.arpa ip6.arpa', ['pods insecure', ...(current ? [] : ['upstream']), 'fallthrough in-addr.arpa ip6.arpa']),
    'prometheus :9153',
    `${forwardPlugin(version)} . /etc/resolv.conf`,
    'cache 30',
    'loop',
    'reload',
    'loadbalance',
  ]);
}

export function clusterDnsObjects(legacy: LegacyClusterPlan): KubeObject[] {
  const dns = legacy.dns;
  if (!dns) return [];
  const suffix = legacy.suffix;
  switch (dns.provider) {
    case 'coredns':
      return [configMap('coredns', { Corefile: `${mainServerBlock(dns.version)}${globalServerBlock(suffix, dns)}` })];
    case 'coredns-custom':
      return [configMap('coredns-custom', { [`${suffix}.server`]: globalServerBlock(suffix, dns) })];
    case 'kube-dns': {
      // planned only with an istiocoredns address: kube-dns stubs forward, they cannot answer
      if (!('forwardTo' in dns.answer)) return [];
      return [configMap('kube-dns', { stubDomains: JSON.stringify({ [suffix]: [dns.answer.forwardTo] }) })];
    }
  }
}

function configMap(name: string, data: Record<string, string>): KubeObject {
  return kubeObject(k8sClasses().KubeConfigMap, { metadata: { name, namespace: KUBE_SYSTEM }, data });
}
