// The mesh.yaml that `meshgen init` writes: valid as it is, commented so that a new user
// knows what to change. Addresses come from the documentation ranges of RFC 5737
// (192.0.2.0/24, 198.51.100.0/24), so a placeholder is never mistaken for a real host.
// Credential files do not exist yet, which the build reports as a warning (W2201): they come
// from the two-phase bootstrap that out/README.md explains.

export const INIT_TOPOLOGIES = ['multi-primary', 'primary-remote', 'legacy-global', 'ambient'] as const;
export type InitTopology = (typeof INIT_TOPOLOGIES)[number];

/** The Istio release a new mesh starts on: the one the project's examples and conformance data use. */
export const INIT_ISTIO_VERSION = '1.30.3';
export const MAX_INIT_CLUSTERS = 99;

export interface MeshTemplateOptions {
  topology: InitTopology;
  clusters: number;
  /** metadata.name */
  name: string;
  /** the yaml-language-server $schema: meshgen's schema, relative to the mesh file; default as installed in ./node_modules */
  schemaPath?: string;
}

/** The fewest clusters a topology can have: a primary-remote mesh needs a remote, an ambient multi-network mesh two networks. */
export function minimumClusters(topology: InitTopology): number {
  return topology === 'primary-remote' || topology === 'ambient' ? 2 : 1;
}

export function clusterNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `cluster${i + 1}`);
}

export function meshTemplate(options: MeshTemplateOptions): string {
  const names = clusterNames(options.clusters);
  const header =
    options.topology === 'legacy-global'
      ? [
          `# A legacy ".global" mesh of ${names.length} cluster${names.length === 1 ? '' : 's'} (Istio's replicated control planes): each runs`,
          '# its own istiod and knows only its own endpoints, so there are no remote secrets. A service',
          `# in another cluster is called as <name>.<namespace>.global, through that cluster's gateway`,
          `# on 15443. The sample service runs in ${names[names.length - 1]}; list yours under services.`,
        ]
      : options.topology === 'ambient'
      ? [
          `# An ambient multi-primary mesh of ${names.length} clusters, each on its own network: the namespace`,
          '# `apps` uses Istio\'s ambient data plane (istio-cni and ztunnel, no sidecars) in every cluster,',
          '# and ambient traffic between networks goes through each cluster\'s ambient east-west gateway',
          '# (HBONE on 15008). Every primary\'s CA must chain to the one root in pki/.',
        ]
      : options.topology === 'multi-primary'
      ? [
          `# A multi-primary mesh of ${names.length} cluster${names.length === 1 ? '' : 's'}: each runs its own istiod and has its own network, so`,
          '# traffic between clusters goes through east-west gateways (cloud LoadBalancers). If pods of',
          '# all clusters can reach each other directly, give them one network name instead.',
        ]
      : [
          `# A primary-remote mesh: cluster1 runs istiod; ${names.slice(1).join(', ')} ${names.length > 2 ? 'are remotes' : 'is a remote'} on the same network,`,
          '# whose sidecars are injected and configured by cluster1\'s istiod, reached through',
          '# cluster1\'s east-west gateway at a fixed address.',
        ];
  // a line of YAML with its comment in one column
  const line = (yaml: string, comment?: string) => (comment ? `${yaml.padEnd(33)} # ${comment}` : yaml);
  const lines = [
    `# yaml-language-server: $schema=${options.schemaPath ?? 'node_modules/meshgen/schemas/mesh.schema.json'}`,
    '#',
    '# Written by `meshgen init`. The addresses are placeholders from the documentation ranges',
    '# (192.0.2.0/24, 198.51.100.0/24): replace them with yours, then run',
    '#   meshgen build mesh.yaml',
    '# and follow out/README.md. Every field is described in meshgen\'s schemas/mesh.schema.json.',
    '#',
    ...header,
    'apiVersion: meshgen.dev/v1alpha1',
    'kind: Mesh',
    'metadata:',
    line(`  name: ${options.name}`, 'a DNS-1123 label; also the mesh ID'),
    'spec:',
    '  istio:',
    line(`    version: "${INIT_ISTIO_VERSION}"`, 'the release whose charts are installed'),
    ...(options.topology === 'legacy-global'
      ? ['  legacy:', '    global:', line('      enabled: true', 'names like httpbin.bar.global')]
      : []),
    '  pki:',
    line('    dir: pki', 'shared root CA + an intermediate per primary,'),
    line('', 'created by the first build; keep pki/root-key.pem out of git'),
    '  clusters:',
  ];
  const legacy = options.topology === 'legacy-global';
  names.forEach((name, i) => {
    const primary = options.topology !== 'primary-remote' || i === 0;
    // In primary-remote every cluster sits on one network; otherwise each has its own.
    const network = options.topology === 'primary-remote' ? 'network1' : `network${i + 1}`;
    lines.push(line(`    - name: ${name}`, `names its files: out/${name}/`));
    lines.push(line(`      network: ${network}`));
    if (!primary) {
      lines.push(line('      role: remote', 'runs no istiod'));
      lines.push(line('      controlPlane: cluster1', 'the primary that manages it'));
    }
    if (options.topology === 'primary-remote' && primary) {
      lines.push(line('      eastWestGateway:', 'remotes reach istiod (15012, 15017) through it'));
      lines.push(line('        address: 198.51.100.10', 'a static or reserved load-balancer IP'));
    }
    if (legacy) {
      lines.push(line('      eastWestGateway:', 'other clusters reach its services here'));
      lines.push(line(`        address: 198.51.100.${10 + i + 1}`, 'on 15443: a static or reserved load-balancer IP'));
      lines.push(line('      dns:', 'the cluster DNS stub for the .global zone'));
      lines.push(line('        provider: coredns', 'meshgen writes the whole coredns ConfigMap:'));
      lines.push(line('        version: "1.11.1"', 'your CoreDNS version; review before applying'));
      return; // no remote secrets: nothing reads another cluster's API server
    }
    // Every primary reads every other cluster's endpoints through a remote secret built from
    // that cluster's API server and reader token; a cluster nobody reads needs neither.
    const readByAnother = options.topology === 'multi-primary' || options.topology === 'ambient' ? names.length > 1 : !primary;
    if (readByAnother) {
      lines.push(line('      apiServer:', "as the other clusters' istiod reach it"));
      lines.push(line(`        url: https://192.0.2.${i + 1}:6443`));
      lines.push(line(`        caFile: credentials/${name}-ca.crt`, 'this CA and the token are saved after'));
      lines.push(line('      reader:', 'the first install ("Remote secrets"'));
      lines.push(line(`        tokenFile: credentials/${name}.token`, 'in out/README.md)'));
    }
  });
  if (options.topology === 'ambient') {
    lines.push(
      '  namespaces:',
      line('    - name: apps', 'in every cluster; its services are global'),
      line('      injection: ambient', 'label istio.io/dataplane-mode: ambient'),
    );
  }
  if (legacy) {
    lines.push(
      '  services:',
      line('    - name: httpbin', 'called everywhere as httpbin.bar.global'),
      '      namespace: bar',
      '      ports: [{ name: http, port: 8000, protocol: HTTP }]',
      line(`      clusters: [${names[names.length - 1]}]`, 'where it runs'),
    );
  }
  return lines.join('\n') + '\n';
}

/** metadata.name from the directory's name when that is a DNS-1123 label, else "mesh". */
export function meshNameFor(directoryName: string): string {
  const candidate = directoryName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(candidate) ? candidate : 'mesh';
}
