import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/codes.js';
import { positionOf, type MeshSource, type YamlPath } from '../load/mesh-source.js';
import type { MeshDocument } from '../model/mesh-spec.js';
import { isLegacyOnly, isSupported, legacyRange, parseIstioVersion, supportedRange } from '../rules/istio-versions.js';
import { isIP } from 'node:net';
import { cidrsOverlap, parseCidr } from './cidr.js';
import { didYouMean } from './did-you-mean.js';
import { checkServices } from './service-checks.js';
import { checkLegacyGlobal } from './legacy-checks.js';
import { checkGitops } from './gitops-checks.js';

// Checks of meaning, on a document whose shape the schema already accepted. Each check
// reports at the node the user has to change, and every check runs, so that one run
// shows every problem.

type Report = (d: Diagnostic) => void;

export function checkSemantics(source: MeshSource, document: MeshDocument): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (path: YamlPath, which: 'value' | 'key' = 'value') => ({ file: source.file, position: positionOf(source, path, which) });
  const report: Report = (d) => diagnostics.push(d);
  const context = { document, at, report };

  checkIstioVersion(context);
  checkUniqueNames(context);
  checkNetworks(context);
  checkClusterReferences(context);
  checkCidrs(context);
  checkExclusiveFields(context);
  checkUrls(context);
  checkGateways(context);
  checkControlPlanes(context);
  checkApiServers(context);
  checkServices(document, at, report);
  checkDns(context);
  checkLegacyGlobal(context);
  checkGitops(context);
  return diagnostics;
}

export interface Context {
  document: MeshDocument;
  at: (path: YamlPath, which?: 'value' | 'key') => Pick<Diagnostic, 'file' | 'position'>;
  report: Report;
}

function checkIstioVersion({ document, at, report }: Context) {
  const version = document.spec.istio.version;
  const parsed = parseIstioVersion(version);
  const legacyGlobal = document.spec.legacy?.global?.enabled === true;
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

function checkUniqueNames({ document, at, report }: Context) {
  const spec = document.spec;
  const duplicates = (what: string, keys: string[], path: (i: number) => YamlPath) => {
    const first = new Map<string, number>();
    keys.forEach((key, i) => {
      const earlier = first.get(key);
      if (earlier === undefined) {
        first.set(key, i);
        return;
      }
      const firstLine = at(path(earlier)).position?.line;
      report(error(Codes.DuplicateName, `${what} "${key}" is defined twice`, { ...at(path(i)), hint: `first defined on line ${firstLine}; names must be unique` }));
    });
  };
  duplicates('cluster', spec.clusters.map((c) => c.name), (i) => ['spec', 'clusters', i, 'name']);
  duplicates('namespace', (spec.namespaces ?? []).map((n) => n.name), (i) => ['spec', 'namespaces', i, 'name']);
  duplicates('service', (spec.services ?? []).map((s) => `${s.namespace}/${s.name}`), (i) => ['spec', 'services', i, 'name']);
}

function checkNetworks({ document, at, report }: Context) {
  const declared = document.spec.networks;
  if (!declared) return;
  document.spec.clusters.forEach((c, i) => {
    if (!declared.includes(c.network)) {
      report(
        error(Codes.UnknownNetwork, `cluster "${c.name}" names network "${c.network}", which spec.networks does not declare`, {
          ...at(['spec', 'clusters', i, 'network']),
          hint: `${didYouMean(c.network, declared) ?? ''} networks in this mesh: ${declared.join(', ')}`.trim(),
        }),
      );
    }
  });
}

function checkClusterReferences({ document, at, report }: Context) {
  const spec = document.spec;
  const names = spec.clusters.map((c) => c.name);
  const check = (name: string, path: YamlPath, referrer: string) => {
    if (names.includes(name)) return;
    report(
      error(Codes.UnknownCluster, `${referrer} names cluster "${name}", which spec.clusters does not define`, {
        ...at(path),
        hint: `${didYouMean(name, names) ?? ''} clusters in this mesh: ${names.join(', ')}`.trim(),
      }),
    );
  };
  spec.clusters.forEach((c, i) => {
    if (c.controlPlane !== undefined) check(c.controlPlane, ['spec', 'clusters', i, 'controlPlane'], `cluster "${c.name}"`);
  });
  (spec.namespaces ?? []).forEach((n, i) =>
    (n.clusters ?? []).forEach((name, j) => check(name, ['spec', 'namespaces', i, 'clusters', j], `namespace "${n.name}"`)),
  );
  (spec.services ?? []).forEach((s, i) =>
    (s.clusters ?? []).forEach((name, j) => check(name, ['spec', 'services', i, 'clusters', j], `service "${s.name}"`)),
  );
}

/** Clusters on one network share a flat address space: their ranges must not overlap. */
function checkCidrs({ document, at, report }: Context) {
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

function checkExclusiveFields({ document, at, report }: Context) {
  document.spec.clusters.forEach((c, i) => {
    const pairs: [string, object | undefined, string, string][] = [
      ['apiServer', c.apiServer, 'caFile', 'caData'],
      ['reader', c.reader, 'tokenFile', 'tokenEnv'],
    ];
    for (const [parent, value, a, b] of pairs) {
      const v = value as Record<string, unknown> | undefined;
      if (v && v[a] !== undefined && v[b] !== undefined) {
        // point at whichever of the two the user wrote second
        const [pa, pb] = [at(['spec', 'clusters', i, parent, a], 'key'), at(['spec', 'clusters', i, parent, b], 'key')];
        const later = (pa.position?.line ?? 0) * 1e6 + (pa.position?.col ?? 0) > (pb.position?.line ?? 0) * 1e6 + (pb.position?.col ?? 0) ? pa : pb;
        report(error(Codes.ConflictingFields, `cluster "${c.name}" sets both ${parent}.${a} and ${parent}.${b}`, { ...later, hint: 'they exclude each other; keep one' }));
      }
    }
  });
}

function checkUrls({ document, at, report }: Context) {
  const check = (text: string | undefined, path: YamlPath, what: string, schemes: string[]) => {
    if (text === undefined) return;
    let scheme: string | undefined;
    try {
      scheme = new URL(text).protocol.replace(/:$/, '');
    } catch {
      scheme = undefined;
    }
    if (scheme === undefined || !schemes.includes(scheme)) {
      report(error(Codes.BadFormat, `${what} "${text}" is not an absolute ${schemes.join(' or ')} URL`, { ...at(path), hint: `for example ${schemes[0]}://${what.includes('API') ? '203.0.113.1:6443' : 'charts.example.com/istio'}` }));
    }
  };
  check(document.spec.istio.chartRepository, ['spec', 'istio', 'chartRepository'], 'istio.chartRepository', ['https', 'http', 'oci']);
  document.spec.clusters.forEach((c, i) => check(c.apiServer?.url, ['spec', 'clusters', i, 'apiServer', 'url'], `API server URL of cluster "${c.name}"`, ['https', 'http']));
}

function checkGateways({ document, at, report }: Context) {
  const clusters = document.spec.clusters;
  const multiNetwork = new Set(clusters.map((c) => c.network)).size > 1;
  if (multiNetwork) {
    // Cross-network traffic enters a network through an east-west gateway of that network.
    const networksWithGateway = new Set(clusters.filter((c) => c.eastWestGateway?.enabled !== false).map((c) => c.network));
    clusters.forEach((c, i) => {
      if (c.eastWestGateway?.enabled === false && !networksWithGateway.has(c.network)) {
        report(
          warning(Codes.GatewayMissingOnNetwork, `network "${c.network}" has no east-west gateway, so other networks cannot reach cluster "${c.name}"`, {
            ...at(['spec', 'clusters', i, 'eastWestGateway', 'enabled']),
            hint: 'enable eastWestGateway in at least one cluster of each network',
          }),
        );
      }
    });
  }
  clusters.forEach((c, i) => {
    const ew = c.eastWestGateway;
    if (ew?.serviceType === 'NodePort' && ew.enabled !== false && ew.annotations?.['traffic.istio.io/nodeSelector'] === undefined && ew.address === undefined) {
      report(
        warning(Codes.NodePortWithoutSelector, `east-west gateway of cluster "${c.name}" is a NodePort Service without the traffic.istio.io/nodeSelector annotation`, {
          ...at(['spec', 'clusters', i, 'eastWestGateway', 'serviceType']),
          hint: 'istiod uses a NodePort gateway only when that annotation selects the nodes whose addresses to use, e.g. annotations: {traffic.istio.io/nodeSelector: \'{"kubernetes.io/os": "linux"}\'}',
        }),
      );
    }
  });
}

/** Primary-remote: every remote needs a primary it can reach (reference 2.3, 2.4, gotchas 6-8). */
function checkControlPlanes({ document, at, report }: Context) {
  const clusters = document.spec.clusters;
  const byName = new Map(clusters.map((c, i) => [c.name, { cluster: c, index: i }]));
  const reported = new Set<string>();
  clusters.forEach((c, i) => {
    const role = c.role ?? 'primary';
    if (role === 'primary') {
      if (c.controlPlane !== undefined) {
        report(
          error(Codes.ControlPlaneOnPrimary, `cluster "${c.name}" is a primary but names a controlPlane`, {
            ...at(['spec', 'clusters', i, 'controlPlane'], 'key'),
            hint: 'a primary runs its own istiod; set role: remote to have it managed by another cluster, or remove controlPlane',
          }),
        );
      }
      return;
    }
    if (c.controlPlane === undefined) {
      report(
        error(Codes.RemoteWithoutControlPlane, `remote cluster "${c.name}" does not name its controlPlane`, {
          ...at(['spec', 'clusters', i, 'role']),
          hint: `add controlPlane: <the primary that manages it>${primaryNames(clusters)}`,
        }),
      );
      return;
    }
    const primary = byName.get(c.controlPlane);
    if (!primary) return; // reported as an unknown cluster
    if ((primary.cluster.role ?? 'primary') !== 'primary') {
      report(
        error(Codes.ControlPlaneNotPrimary, `cluster "${c.name}" names "${c.controlPlane}" as its controlPlane, which is not a primary`, {
          ...at(['spec', 'clusters', i, 'controlPlane']),
          hint: `a remote is managed by a primary's istiod${primaryNames(clusters)}`,
        }),
      );
      return;
    }
    const p = primary.index;
    const ew = primary.cluster.eastWestGateway;
    if (ew?.enabled === false && !reported.has(`disabled:${p}`)) {
      reported.add(`disabled:${p}`);
      report(
        error(Codes.ControlPlaneGatewayDisabled, `primary "${primary.cluster.name}" manages remote "${c.name}" but disables its east-west gateway`, {
          ...at(['spec', 'clusters', p, 'eastWestGateway', 'enabled']),
          hint: 'the remote reaches istiod (15012) and its webhooks (15017) through that gateway; remove enabled: false',
        }),
      );
    } else if (ew?.address === undefined && !reported.has(`address:${p}`)) {
      reported.add(`address:${p}`);
      const otherNetwork = primary.cluster.network !== c.network;
      report(
        error(Codes.ControlPlaneAddressMissing, `remote "${c.name}" needs the address of primary "${primary.cluster.name}"'s east-west gateway, which mesh.yaml does not give`, {
          ...at(ew ? ['spec', 'clusters', p, 'eastWestGateway'] : ['spec', 'clusters', p, 'name'], ew ? 'key' : 'value'),
          hint:
            `it becomes the remote's global.remotePilotAddress${otherNetwork ? ', the only way into another network' : ' (a ClusterIP is not reachable from another cluster, even on one network)'}. ` +
            `Set eastWestGateway.address on "${primary.cluster.name}": a static IP (or a reserved load-balancer IP), or, for an address assigned at run time, install "${primary.cluster.name}" first, ` +
            `read it with kubectl -n istio-system get svc istio-eastwestgateway -o jsonpath='{.status.loadBalancer.ingress[0].ip}', put it here and rebuild`,
        }),
      );
    }
    if (ew?.serviceType === 'NodePort' && ew.enabled !== false && !reported.has(`nodeport:${p}`)) {
      reported.add(`nodeport:${p}`);
      report(
        warning(Codes.ControlPlaneBehindNodePort, `primary "${primary.cluster.name}" serves remotes through a NodePort east-west gateway`, {
          ...at(['spec', 'clusters', p, 'eastWestGateway', 'serviceType']),
          hint: `remotes connect to ${ew.address ?? 'the address'} on ports 15012 and 15017 exactly, which a NodePort Service does not listen on; use a LoadBalancer, or a load balancer at that address that forwards both ports`,
        }),
      );
    }
    const address = ew?.address;
    if (address !== undefined && isIP(address) === 0 && !reported.has(`hostname:${p}`)) {
      reported.add(`hostname:${p}`);
      report(
        warning(Codes.RemotePilotAddressHostname, `east-west address "${address}" of primary "${primary.cluster.name}" is a hostname, so its remotes get an ExternalName istiod Service`, {
          ...at(['spec', 'clusters', p, 'eastWestGateway', 'address']),
          hint: 'that works where cluster DNS resolves it, but Istio\'s primary-remote guide warns it is unsuitable for some platforms (e.g. an EKS primary); prefer a static IP',
        }),
      );
    }
  });
}

/**
 * Every cluster another cluster reads (every primary reads every other cluster) needs the
 * URL its readers use; the remote secrets are built from it (reference 2.7, 3).
 */
function checkApiServers({ document, at, report }: Context) {
  if (document.spec.secrets?.mode === 'omit') return;
  // legacy .global: each istiod knows only its own cluster, so nothing is read across clusters
  if (document.spec.legacy?.global?.enabled) return;
  const primaries = document.spec.clusters.filter((c) => (c.role ?? 'primary') === 'primary');
  document.spec.clusters.forEach((c, i) => {
    const read = primaries.some((p) => p.name !== c.name);
    if (!read || c.apiServer?.url !== undefined) return;
    report(
      error(Codes.ApiServerUrlMissing, `cluster "${c.name}" has no apiServer.url, which the remote secret its readers need is built from`, {
        ...at(c.apiServer ? ['spec', 'clusters', i, 'apiServer'] : ['spec', 'clusters', i, 'name'], c.apiServer ? 'key' : 'value'),
        hint: "add apiServer: { url: https://<address>:6443 }, reachable from the other clusters' istiod; or set secrets.mode: omit to manage remote secrets yourself",
      }),
    );
  });
}

function primaryNames(clusters: MeshDocument['spec']['clusters']): string {
  const primaries = clusters.filter((c) => (c.role ?? 'primary') === 'primary').map((c) => c.name);
  return primaries.length ? `; primaries in this mesh: ${primaries.join(', ')}` : '; this mesh has no primary';
}

function checkDns({ document, at, report }: Context) {
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

