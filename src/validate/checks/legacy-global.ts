import { isIP } from 'node:net';
import { error, warning } from '../../diagnostics/diagnostic.js';
import { Codes } from '../../diagnostics/catalog.js';
import type { YamlPath } from '../../load/mesh-source.js';
import type { ClusterSpec, MeshSpec, ServiceSpec } from '../../rules/mesh-spec.js';
import { hasIstiocoredns, isLegacyOnly, istioctlInstallCommand, legacyInstallKind, legacyRange, parseIstioVersion, type IstioVersion } from '../../rules/istio-versions.js';
import { istioctlInstallFilePath } from '../../resource/out-layout.js';
import { DEFAULT_GLOBAL_SUFFIX, isLegacyGlobal, legacySuffixOf } from '../../rules/topology.js';
import { checkPinnedVip, ISTIO_AUTO_ALLOCATE_RANGE, serviceKey, VIP_RANGE, vipCollisions } from '../../rules/legacy-vips.js';
import type { Context } from './check-context.js';

// Checks of the legacy .global model (spec.legacy.global). They run only
// when it is enabled; each reports at the node the user has to change.

export function checkLegacyGlobal(context: Context): void {
  const spec = context.document.spec;
  if (!isLegacyGlobal(spec)) return;
  const version = parseIstioVersion(spec.istio.version);
  checkSuffix(context);
  checkReplicatedControlPlanes(context);
  checkServices(context);
  checkVips(context);
  checkServingClusters(context, version);
  checkClusterDns(context, version);
  if (version && isLegacyOnly(version)) checkIstioOperatorInput(context);
}

/** The stub zone is served by the cluster DNS: a zone that contains cluster.local would take it over. */
function checkSuffix({ document, at, report }: Context) {
  const suffix = document.spec.legacy?.global?.suffix;
  if (suffix !== 'local') return;
  report(
    error(Codes.LegacySuffixReserved, 'legacy.global.suffix "local" would take over the cluster.local zone', {
      ...at(['spec', 'legacy', 'global', 'suffix']),
      hint: `the cluster DNS would send every *.cluster.local query to the ${suffix} stub, and the *.${suffix} DestinationRule would match every Kubernetes service; use a zone of its own, such as ${DEFAULT_GLOBAL_SUFFIX}`,
    }),
  );
}

/** In the .global model every cluster runs istiod and no cluster reads another (no remote secrets). */
function checkReplicatedControlPlanes({ document, at, report }: Context) {
  document.spec.clusters.forEach((c, i) => {
    if (c.role !== 'remote') return;
    report(
      error(Codes.LegacyRemoteCluster, `cluster "${c.name}" is a remote, but the legacy .global model replicates the control plane in every cluster`, {
        ...at(['spec', 'clusters', i, 'role']),
        hint: 'remove role: remote (and controlPlane); each cluster then runs its own istiod and reaches the others through their gateways',
      }),
    );
  });
}

function checkServices({ document, at, report }: Context) {
  const suffix = legacySuffixOf(document.spec);
  (document.spec.services ?? []).forEach((s, i) => {
    const host = `${s.name}.${s.namespace}.${suffix}`;
    if (!s.clusters?.length) {
      report(
        error(Codes.LegacyServiceNotServed, `service "${serviceKey(s)}" names no cluster that runs it, so ${host} would have no endpoint`, {
          ...at(s.clusters ? ['spec', 'services', i, 'clusters'] : ['spec', 'services', i]),
          hint: `list the clusters where ${s.name} has endpoints: clusters: [${document.spec.clusters.map((c) => c.name).join(', ')}]`,
        }),
      );
    }
    if (!s.ports?.length) {
      report(
        error(Codes.LegacyServiceWithoutPorts, `service "${serviceKey(s)}" has no ports, which the ${host} ServiceEntry must list`, {
          ...at(['spec', 'services', i]),
          hint: 'add the ports its Kubernetes Service exposes, e.g. ports: [{ name: http, port: 8000, protocol: HTTP }]',
        }),
      );
    }
  });
}

function checkVips({ document, at, report }: Context) {
  const services = (document.spec.services ?? []).map((s, index) => ({ ...s, index }));
  const range = `an address in ${VIP_RANGE} outside ${ISTIO_AUTO_ALLOCATE_RANGE}`;
  for (const s of services) {
    if (s.vip === undefined) continue;
    const problem = checkPinnedVip(s.vip);
    if (!problem) continue;
    const where = at(['spec', 'services', s.index, 'vip']);
    if (problem === 'auto-allocate-range') {
      report(
        error(Codes.VipInAutoAllocateRange, `vip ${s.vip} of service "${serviceKey(s)}" is in ${ISTIO_AUTO_ALLOCATE_RANGE}, where istiod allocates ServiceEntry addresses itself`, {
          ...where,
          hint: `istiod's PILOT_IP_AUTOALLOCATE_IPV4_PREFIX is ${ISTIO_AUTO_ALLOCATE_RANGE} by default, so an address there can clash with one it hands out; choose ${range}, or remove vip to get a stable derived one`,
        }),
      );
    } else {
      const why = problem === 'not-ipv4' ? 'is not an IPv4 address' : problem === 'reserved' ? `is the first or last address of ${VIP_RANGE}` : `is outside ${VIP_RANGE}`;
      report(
        error(Codes.VipInvalid, `vip "${s.vip}" of service "${serviceKey(s)}" ${why}`, {
          ...where,
          hint: `a .global virtual IP is never routed, only captured by the sidecar; Istio's docs suggest the class E range (never multicast 224.0.0.0/4 or loopback 127.0.0.0/8). Choose ${range}, or remove vip to get a stable derived one`,
        }),
      );
    }
  }
  for (const collision of vipCollisions(services)) {
    const [first, ...others] = [...collision.services].sort((a, b) => a.index - b.index);
    // a service listed twice is reported once, as a duplicate name (MG2001)
    for (const other of others.filter((o) => serviceKey(o) !== serviceKey(first))) {
      // Point at the one to change without moving a derived address that may be in use:
      // a pinned one when only one is pinned (choose another pin), else the later one.
      const change = first.vip !== undefined && other.vip === undefined ? first : other;
      const keep = change === other ? first : other;
      report(
        error(Codes.VipCollision, `services "${serviceKey(keep)}" and "${serviceKey(change)}" would both get virtual IP ${collision.vip}`, {
          ...at(change.vip !== undefined ? ['spec', 'services', change.index, 'vip'] : ['spec', 'services', change.index, 'name']),
          hint: `every .${suffixOf(document.spec)} name needs an address of its own; ${change.vip !== undefined ? 'choose another vip for' : 'pin'} "${serviceKey(change)}" (${range}). "${serviceKey(keep)}" keeps its address, and so does every other service`,
        }),
      );
    }
  }
}

/** Callers in other clusters reach a service at its serving clusters' gateways on 15443. */
function checkServingClusters({ document, at, report }: Context, version: IstioVersion | undefined) {
  const spec = document.spec;
  if (spec.clusters.length < 2) return;
  const gatewayService = version && isLegacyOnly(version) ? 'istio-ingressgateway' : 'istio-eastwestgateway';
  spec.clusters.forEach((c, i) => {
    const served = (spec.services ?? []).filter((s) => s.clusters?.includes(c.name));
    if (!served.length) return;
    const what = `cluster "${c.name}" serves ${describeServices(served, spec)} to the other clusters`;
    const ew = c.eastWestGateway;
    if (ew?.enabled === false) {
      report(
        error(Codes.LegacyServingClusterUnreachable, `${what}, but disables its east-west gateway`, {
          ...at(['spec', 'clusters', i, 'eastWestGateway', 'enabled']),
          hint: 'their ServiceEntries point at that gateway on port 15443; remove enabled: false',
        }),
      );
    } else if (ew?.serviceType === 'NodePort' && ew.nodePort === undefined) {
      report(
        error(Codes.LegacyServingClusterUnreachable, `${what}, but its NodePort gateway does not give the node port behind 15443`, {
          ...at(['spec', 'clusters', i, 'eastWestGateway', 'serviceType']),
          hint: `the other clusters' ServiceEntries point at ${ew.address ?? 'its address'} on that port; set eastWestGateway.nodePort, e.g. from kubectl -n istio-system get svc ${gatewayService} -o jsonpath='{.spec.ports[?(@.port==15443)].nodePort}'`,
        }),
      );
    }
    if (ew?.enabled !== false && ew?.address === undefined) {
      report(
        error(Codes.LegacyServingClusterUnreachable, `${what}, but mesh.yaml gives no address for its gateway`, {
          ...at(ew ? ['spec', 'clusters', i, 'eastWestGateway'] : ['spec', 'clusters', i, 'name'], ew ? 'key' : 'value'),
          hint:
            ew?.serviceType === 'NodePort'
              ? `the other clusters' ServiceEntries point at it on its node port; set eastWestGateway.address on "${c.name}" to the address of a node (or of a load balancer in front of the nodes)`
              : `the other clusters' ServiceEntries point at it on port 15443. Set eastWestGateway.address on "${c.name}": ` +
                `a static or reserved load-balancer IP, or a hostname. For an address assigned at run time, build without these services, install "${c.name}", ` +
                `read it with kubectl -n istio-system get svc ${gatewayService} -o jsonpath='{.status.loadBalancer.ingress[0].ip}', put it here and rebuild`,
        }),
      );
    }
  });
}

function describeServices(served: ServiceSpec[], spec: MeshSpec): string {
  const suffix = legacySuffixOf(spec);
  const hosts = served.map((s) => `${s.name}.${s.namespace}.${suffix}`);
  return hosts.length > 2 ? `${hosts.slice(0, 2).join(', ')} and ${hosts.length - 2} more` : hosts.join(' and ');
}

/**
 * The .global zone is answered by istiocoredns where the Istio release has it, otherwise by
 * the cluster DNS itself from the VIP table (CoreDNS hosts plugin). kube-dns can only forward.
 */
function checkClusterDns({ document, at, report }: Context, version: IstioVersion | undefined) {
  const spec = document.spec;
  const istiocoredns = version !== undefined && hasIstiocoredns(version);
  spec.clusters.forEach((c, i) => {
    const provider = c.dns?.provider ?? 'coredns';
    const dnsPath: YamlPath = c.dns ? ['spec', 'clusters', i, 'dns'] : ['spec', 'clusters', i, 'name'];
    const dnsWhich = c.dns ? 'key' : 'value';
    const address = c.dns?.istiocorednsAddress;
    if (address !== undefined && isIP(address) === 0) {
      report(
        error(Codes.IstiocorednsAddressInvalid, `dns.istiocorednsAddress "${address}" of cluster "${c.name}" is not an IP address`, {
          ...at(['spec', 'clusters', i, 'dns', 'istiocorednsAddress']),
          hint: "CoreDNS forward and kube-dns stubDomains take addresses, not names: use the ClusterIP, kubectl -n istio-system get svc istiocoredns -o jsonpath='{.spec.clusterIP}'",
        }),
      );
    }
    if (istiocoredns && address === undefined) {
      report(
        warning(Codes.IstiocorednsAddressMissing, `the .${suffixOf(spec)} DNS stub of cluster "${c.name}" is not rendered yet: mesh.yaml does not give its istiocoredns address`, {
          ...at(dnsPath, dnsWhich),
          hint: `install Istio in "${c.name}" first (${installCommand(version!, c.name)}), then set dns.istiocorednsAddress to the output of kubectl -n istio-system get svc istiocoredns -o jsonpath='{.spec.clusterIP}' and rebuild`,
        }),
      );
    }
    if (provider === 'kube-dns' && !istiocoredns) {
      const where = at(c.dns?.provider ? ['spec', 'clusters', i, 'dns', 'provider'] : dnsPath, c.dns?.provider ? 'value' : dnsWhich);
      if (spec.dns?.capture) {
        report(
          warning(Codes.GlobalNamesOnlyInSidecars, `kube-dns of cluster "${c.name}" cannot answer the .${suffixOf(spec)} names; only pods with a sidecar resolve them`, {
            ...where,
            hint: 'with dns.capture the sidecar answers ServiceEntry hosts itself; pods without one (and the nodes) get NXDOMAIN. CoreDNS (provider coredns or coredns-custom) answers them for every pod',
          }),
        );
      } else {
        report(
          error(Codes.KubeDnsCannotAnswerGlobal, `kube-dns of cluster "${c.name}" cannot answer the .${suffixOf(spec)} names on Istio ${spec.istio.version}, which has no istiocoredns`, {
            ...where,
            hint: 'kube-dns stubDomains can only forward to another server. Switch to CoreDNS (provider coredns or coredns-custom), which answers them from the VIP table, or set spec.dns.capture: true so that sidecars answer them',
          }),
        );
      }
    }
    // meshgen replaces the whole Corefile; plugins differ between CoreDNS releases
    if (provider === 'coredns' && c.dns?.version === undefined) {
      report(
        warning(Codes.CorednsVersionUnknown, `cluster "${c.name}" does not give its CoreDNS version; its Corefile is rendered for CoreDNS 1.5.0 or newer`, {
          ...at(dnsPath, dnsWhich),
          hint: 'meshgen writes the whole coredns ConfigMap, and CoreDNS before 1.5.0 lacks the ready plugin (before 1.4.0 it needs proxy instead of forward); set dns.version, e.g. from kubectl -n kube-system get deploy coredns -o jsonpath=\'{..image}\'',
        }),
      );
    }
  });
}

/** The istioctl command that installs a cluster of a legacy-only release (out/README.md has it with --context). */
function installCommand(version: IstioVersion, cluster: string): string {
  return isLegacyOnly(version) ? `istioctl ${istioctlInstallCommand(version)} -f ${istioctlInstallFilePath(cluster, legacyInstallKind(version))}` : 'istioctl install';
}

/** On Istio 1.4-1.7, istio-ingressgateway carries the cross-cluster traffic and DNS proxying does not exist yet. */
function checkIstioOperatorInput({ document, at, report }: Context) {
  const spec = document.spec;
  spec.clusters.forEach((c: ClusterSpec, i) => {
    if (!c.ingressGateway?.enabled) return;
    report(
      error(Codes.LegacyIngressGatewayConflict, `cluster "${c.name}" enables ingressGateway, but on Istio ${spec.istio.version} istio-ingressgateway is the cross-cluster gateway`, {
        ...at(['spec', 'clusters', i, 'ingressGateway', 'enabled']),
        hint: `remove ingressGateway: on Istio ${legacyRange()} the one istio-ingressgateway carries both, configured by eastWestGateway (serviceType, annotations, address)`,
      }),
    );
  });
  for (const key of ['capture', 'autoAllocate'] as const) {
    if (!spec.dns?.[key]) continue;
    report(
      error(Codes.DnsProxyingNeedsNewerIstio, `dns.${key} needs Istio 1.8 or newer; this mesh uses ${spec.istio.version}`, {
        ...at(['spec', 'dns', key]),
        hint: `on Istio ${legacyRange()} the .global names are answered by istiocoredns through the cluster DNS stub; remove it`,
      }),
    );
  }
}

function suffixOf(spec: MeshSpec): string {
  return legacySuffixOf(spec);
}
