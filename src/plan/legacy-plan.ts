import type { ClusterModel, MeshModel } from '../model/mesh-model.js';
import { hasIstiocoredns, isLegacyOnly, legacyInstallKind } from '../rules/istio-versions.js';
import { istioctlInstallFilePath } from '../resource/out-layout.js';
import type { LegacyServiceModel } from '../model/legacy-global.js';

// What one cluster of a legacy .global mesh gets, and why.
//
// Istio 1.4-1.7 install with istioctl: the install file's multiCluster values make the
// charts render istiocoredns, the 15443 Gateway, its EnvoyFilter and the *.<suffix>
// DestinationRule; meshgen adds the ServiceEntries and the cluster DNS stub, which forwards
// to istiocoredns. Current Istio has none of that: meshgen renders the DestinationRule and,
// where the cluster serves others, the Gateway; the cluster DNS answers the names itself.

export interface LegacyClusterPlan {
  suffix: string;
  /** every .global service: each cluster calls every service */
  services: LegacyServiceModel[];
  /** Istio 1.4-1.7: istioctl installs from one file (installKind) instead of Helm values */
  istioOperator: boolean;
  /** what that file is: an IstioControlPlane (install.istio.io/v1alpha2) on 1.4, an IstioOperator on 1.5-1.7 */
  installKind?: 'IstioOperator' | 'IstioControlPlane';
  /** current Istio: the *.<suffix> ISTIO_MUTUAL DestinationRule (the 1.4-1.7 charts render their own) */
  destinationRule: boolean;
  /** current Istio, a cluster serving others: the 15443 AUTO_PASSTHROUGH Gateway for *.<suffix> */
  gateway: boolean;
  /** the cluster DNS stub; undefined where it cannot be rendered (yet) */
  dns?: ClusterDnsPlan;
}

export interface ClusterDnsPlan {
  provider: 'coredns' | 'coredns-custom' | 'kube-dns';
  /** CoreDNS release, when mesh.yaml gives it */
  version?: string;
  /** where the zone's answers come from: istiocoredns, or the VIP table itself */
  answer: { forwardTo: string } | { hosts: { host: string; vip: string }[] };
}

export function planLegacyCluster(mesh: MeshModel, cluster: ClusterModel, reasons: string[]): LegacyClusterPlan | undefined {
  const legacy = mesh.legacyGlobal;
  if (!legacy) return undefined;
  const version = mesh.istio.parsed;
  const istioOperator = isLegacyOnly(version);
  const served = legacy.services.filter((s) => s.servingClusters.includes(cluster.name)).map((s) => s.host);
  const gateway = !istioOperator && served.length > 0 && mesh.clusters.length > 1 && cluster.eastWestGateway.enabled;

  reasons.push(`legacy .${legacy.suffix}: a ServiceEntry with a virtual IP for every service; its endpoints are the serving clusters' gateways on 15443, or the Kubernetes Service where this cluster serves it`);
  const installKind = istioOperator ? legacyInstallKind(version) : undefined;
  if (installKind) {
    // 1.4 and 1.5 have no globalDomainSuffix: their charts hard-code the global zone (validation enforces it)
    const multiCluster = version.minor >= 6 ? `multiCluster with globalDomainSuffix ${legacy.suffix}` : `multiCluster; the .global zone is built into 1.${version.minor}`;
    const file = istioctlInstallFilePath(cluster.name, installKind).slice(cluster.name.length + 1);
    const what = installKind === 'IstioControlPlane' ? `an IstioControlPlane for istioctl manifest apply: istiocoredns, ${multiCluster}` : `istiocoredns, ${multiCluster}`;
    reasons.push(`Istio ${mesh.istio.version}: installed with istioctl from ${file} (${what}); the charts render the 15443 Gateway on istio-ingressgateway, its EnvoyFilter and the *.${legacy.suffix} DestinationRule`);
  }
  if (gateway) reasons.push(`Gateway on 15443 (AUTO_PASSTHROUGH, *.${legacy.suffix}) on the east-west gateway: serves ${served.join(', ')} to the other clusters`);

  const dns = dnsPlan(mesh, cluster);
  if (dns) reasons.push(describeDns(dns, legacy.suffix));
  return { suffix: legacy.suffix, services: legacy.services, istioOperator, installKind, destinationRule: !istioOperator, gateway, dns };
}

function dnsPlan(mesh: MeshModel, cluster: ClusterModel): ClusterDnsPlan | undefined {
  const legacy = mesh.legacyGlobal!;
  const { provider, version, istiocorednsAddress } = cluster.dns;
  if (hasIstiocoredns(mesh.istio.parsed)) {
    // its ClusterIP is known only once Istio runs (warning W2302 says how to get it)
    return istiocorednsAddress === undefined ? undefined : { provider, version, answer: { forwardTo: istiocorednsAddress } };
  }
  // kube-dns can only forward: there the sidecars answer, with dns.capture (W2303)
  if (provider === 'kube-dns') return undefined;
  return { provider, version, answer: { hosts: legacy.services.map((s) => ({ host: s.host, vip: s.vip })) } };
}

function describeDns(dns: ClusterDnsPlan, suffix: string): string {
  const answer = 'forwardTo' in dns.answer ? `forwarded to istiocoredns at ${dns.answer.forwardTo}` : 'answered from the VIP table (hosts plugin), for pods with and without sidecars';
  switch (dns.provider) {
    case 'coredns':
      return `cluster DNS: the coredns ConfigMap in kube-system (it replaces the Corefile; CoreDNS ${dns.version ?? '1.5.0 or newer'}) gets a ${suffix}:53 server block, ${answer}`;
    case 'coredns-custom':
      return `cluster DNS: the coredns-custom ConfigMap in kube-system gets ${suffix}.server, a ${suffix}:53 server block ${answer}; the main Corefile is left alone`;
    case 'kube-dns':
      return `cluster DNS: the kube-dns ConfigMap in kube-system stubs the ${suffix} domain, ${answer}`;
  }
}
