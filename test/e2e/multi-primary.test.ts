import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  Processes, debug, edsFor, fillReaderTokenSecret, install, kubectl, kubectlJson, meshDir, meshgen, mergedKubeconfig,
  saveCredentials, startCluster, startIstiod, waitFor, yamlDocs, type Cluster, type Installer, type Istiod,
} from './lib.js';

// Issue #16, steps 1-7: two real API servers (east on net-east, west on net-west), meshgen's
// output for them installed as out/README.md says, the reader-token bootstrap, and a real istiod
// per primary; what istiod then sees is read from its debug endpoints.

const procs = new Processes();
const work = mkdtempSync(join(tmpdir(), 'meshgen-e2e-mp-'));
let east: Cluster;
let west: Cluster;
let inst: Installer;
const istiods: Record<string, Istiod> = {};
/** the gateway address given to west's east-west gateway Service (TEST-NET-1) */
const WEST_GATEWAY_IP = '192.0.2.77';
/** the app Service created in west */
const APP = { namespace: 'e2e-app', name: 'echo', port: 8080, ips: ['10.20.0.11', '10.20.0.12'] };
/** the Envoy cluster of APP a sidecar asks istiod for */
const APP_CLUSTER = `outbound|${APP.port}||${APP.name}.${APP.namespace}.svc.cluster.local`;

function remoteSecretPath(reader: string, cluster: string) {
  return join(inst.out, reader, 'secrets', `istio-remote-secret-${cluster}.yaml`);
}

/** clusterz's entry for a cluster ID, or undefined. */
async function clusterzEntry(i: Istiod, id: string): Promise<any> {
  const list: any[] = await debug(i, 'clusterz');
  return list.find((c) => c.id === id);
}

/** The endpoints of APP as east's istiod holds them, per cluster shard. */
async function appShards(i: Istiod): Promise<Record<string, any[]>> {
  const shardz = await debug(i, 'endpointShardz');
  const host = `${APP.name}.${APP.namespace}.svc.cluster.local`;
  const byNamespace = shardz[host]?.[APP.namespace];
  return byNamespace?.Shards ?? {};
}

beforeAll(async () => {
  // 1. two API servers with their own etcd, on two loopback addresses
  [east, west] = await Promise.all([startCluster(procs, work, 'east', '127.0.0.1'), startCluster(procs, work, 'west', '127.0.0.2')]);
  // 2. the mesh for them (the flagship example, pointed at these servers), built by meshgen
  const dir = meshDir(work, 'multi-primary-multi-network', (mesh) => {
    for (const c of mesh.spec.clusters) {
      const server = c.name === 'east' ? east : west;
      c.apiServer = { url: server.url, caFile: `credentials/${c.name}-ca.crt` };
      c.reader = { tokenFile: `credentials/${c.name}.token` };
    }
  });
  meshgen(['build', 'mesh.yaml', '--out', 'out'], dir);
  inst = { out: join(dir, 'out'), meshDir: dir, clusters: [east, west], kubeconfig: mergedKubeconfig([east, west], join(work, 'kubeconfig')), work, log: [], warnings: [] };
}, 600_000);

afterAll(async () => {
  await procs.stopAll();
  if (process.env.MESHGEN_E2E_KEEP !== '1') rmSync(work, { recursive: true, force: true });
  else console.log(`e2e work kept in ${work}`);
});

describe('multi-primary, multi-network (east/net-east, west/net-west) on real API servers', () => {
  it('the first build has no remote secret: neither cluster has a reader token yet', () => {
    expect(existsSync(remoteSecretPath('east', 'west'))).toBe(false);
    expect(existsSync(remoteSecretPath('west', 'east'))).toBe(false);
  });

  it('both API servers accept every object of the README install order in a server-side dry run', () => {
    const skipped = install(inst, { dryRun: true });
    // the two remote secrets only: their files exist after the bootstrap
    expect(skipped.map((s) => s.line)).toEqual([
      'kubectl --context "$CTX_WEST" apply -f west/secrets/istio-remote-secret-east.yaml',
      'kubectl --context "$CTX_EAST" apply -f east/secrets/istio-remote-secret-west.yaml',
    ]);
  });

  it('the README install order applies server-side on both API servers, without a warning', () => {
    install(inst, { dryRun: false });
    expect(inst.warnings).toEqual([]);
    for (const c of [east, west]) {
      const ns = kubectlJson(c, ['get', 'namespace', 'istio-system']);
      expect(ns.metadata.labels['topology.istio.io/network']).toBe(c === east ? 'net-east' : 'net-west');
      expect(kubectlJson(c, ['-n', 'istio-system', 'get', 'secret', 'cacerts']).data['root-cert.pem']).toBeTruthy();
      expect(kubectlJson(c, ['-n', 'istio-system', 'get', 'deployment', 'istiod']).spec.template.spec.containers[0].name).toBe('discovery');
      expect(kubectlJson(c, ['-n', 'istio-system', 'get', 'gateways.networking.istio.io', 'cross-network-gateway']).spec.servers[0].port.number).toBe(15443);
    }
  });

  it('the bootstrap: reader tokens saved as the README says, and a rebuild renders both remote secrets', () => {
    for (const c of [east, west]) fillReaderTokenSecret(c, 'istio-system', 'istio-reader-service-account-istio-remote-secret-token');
    expect(saveCredentials(inst)).toHaveLength(4);
    expect(readFileSync(join(inst.meshDir, 'credentials/east-ca.crt'), 'utf8')).toBe(readFileSync(east.caFile, 'utf8'));
    meshgen(['build', 'mesh.yaml', '--out', 'out'], inst.meshDir);
    expect(existsSync(remoteSecretPath('east', 'west'))).toBe(true);
    expect(existsSync(remoteSecretPath('west', 'east'))).toBe(true);
  });

  it("each remote secret's kubeconfig reads its cluster's EndpointSlices with the reader's token (the RBAC the charts render)", () => {
    for (const [reader, target] of [[east, west], [west, east]] as const) {
      const kubeconfig = join(work, `reader-${target.name}.kubeconfig`);
      writeFileSync(kubeconfig, remoteSecretKubeconfig(reader.name, target.name).text, { mode: 0o600 });
      const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'endpointslices', '-A', '-o', 'name'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // and nothing beyond reading: the reader cannot create Secrets
      const w = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'auth', 'can-i', 'create', 'secrets', '-n', 'istio-system'], { encoding: 'utf8' });
      expect(w.stdout.trim()).toBe('no');
    }
  });

  it('negative control: with a remote secret whose key is not the cluster name, east\'s istiod does not sync west', async () => {
    createAppInWest();
    // west gets the README's remote secret for east; east gets west's with the key renamed
    install(inst, { dryRun: false, only: (s) => s.line.includes('west/secrets/istio-remote-secret-east.yaml') });
    const wrong = yamlDocs(readFileSync(remoteSecretPath('east', 'west'), 'utf8'))[0];
    const { key, text } = remoteSecretKubeconfig('east', 'west');
    delete (wrong.stringData ?? wrong.data)[key];
    wrong.stringData = { ...(wrong.stringData ?? {}), 'wrong-name': text };
    kubectl(east, ['apply', '--server-side', '--field-manager=e2e-negative', '-f', '-'], stringify(wrong));
    istiods.east = await startIstiod(procs, work, east, join(work, 'rendered/east/istiod.yaml'));
    istiods.west = await startIstiod(procs, work, west, join(work, 'rendered/west/istiod.yaml'));
    // the misnamed cluster is read (istiod takes the key as the cluster ID) ...
    await waitFor('east to sync the misnamed cluster', async () => ((await clusterzEntry(istiods.east, 'wrong-name'))?.syncStatus === 'synced' ? true : undefined));
    // ... but never as west: no cluster west, no endpoints of west's Service under west
    expect(await clusterzEntry(istiods.east, 'west')).toBeUndefined();
    const shards = await waitFor("west's endpoints under the misnamed cluster", async () => { const s = await appShards(istiods.east); return s['Kubernetes/wrong-name']?.length ? s : undefined; });
    expect(Object.keys(shards)).toEqual(['Kubernetes/wrong-name']);
    kubectl(east, ['-n', 'istio-system', 'delete', 'secret', wrong.metadata.name]);
  });

  it('with the README\'s remote secrets each istiod has the other cluster synced under its own name', async () => {
    install(inst, { dryRun: false, only: (s) => s.line.includes('east/secrets/istio-remote-secret-west.yaml') });
    const eastSees = await waitFor('east to sync west', async () => { const e = await clusterzEntry(istiods.east, 'west'); return e?.syncStatus === 'synced' ? e : undefined; });
    expect(eastSees.secretName).toBe('istio-system/istio-remote-secret-west');
    const westSees = await waitFor('west to sync east', async () => { const e = await clusterzEntry(istiods.west, 'east'); return e?.syncStatus === 'synced' ? e : undefined; });
    expect(westSees.secretName).toBe('istio-system/istio-remote-secret-east');
    await waitFor('east to drop the misnamed cluster', async () => ((await clusterzEntry(istiods.east, 'wrong-name')) ? undefined : true));
  });

  it("each istiod runs with the mesh config the istiod chart rendered from meshgen's values (mesh ID, trust domain)", async () => {
    for (const i of [istiods.east, istiods.west]) {
      const mesh = await debug(i, 'mesh');
      expect(mesh.defaultConfig.meshId).toBe('demo');
      expect(mesh.trustDomain).toBe('cluster.local');
    }
  });

  it("west's Service is in east's istiod registry, with west's cluster IP under cluster west", async () => {
    const clusterIP = kubectlJson(west, ['-n', APP.namespace, 'get', 'service', APP.name]).spec.clusterIP;
    const service = await waitFor("west's Service in east's registry", async () =>
      ((await debug(istiods.east, 'registryz')) as any[]).find((x) => x.hostname === `${APP.name}.${APP.namespace}.svc.cluster.local`));
    expect(service.clusterVIPs.Addresses).toEqual({ west: [clusterIP] });
  });

  it("west's Service endpoints are in east's istiod, under cluster west, on network net-west", async () => {
    const shards = await waitFor("west's endpoints in east", async () => {
      const s = await appShards(istiods.east);
      return s['Kubernetes/west']?.length === APP.ips.length ? s['Kubernetes/west'] : undefined;
    });
    expect(shards.map((e: any) => e.Addresses).sort()).toEqual(APP.ips.map((ip) => [ip]));
    expect(shards.map((e: any) => e.Network)).toEqual(APP.ips.map(() => 'net-west'));
  });

  it("a sidecar on net-west gets west's endpoints directly from west's istiod", () => {
    expect(edsFor(istiods.west, { clusterId: 'west', network: 'net-west', namespace: APP.namespace }, APP_CLUSTER)).toEqual(
      APP.ips.map((ip) => ({ address: ip, port: APP.port, weight: 1 })),
    );
  });

  it("while no east-west gateway has an address, east's istiod gives a sidecar on net-east west's pod addresses as they are (Istio's sidecar behaviour without a known gateway)", async () => {
    // istio.io/istio pilot/pkg/xds/endpoints/ep_filters.go (EndpointsByNetworkFilter): with no
    // network gateway known, multi-network filtering is off and every endpoint is sent as is
    expect(((await debug(istiods.east, 'networkz')) ?? []).filter((g: any) => g.Network === 'net-west')).toEqual([]);
    expect(edsFor(istiods.east, { clusterId: 'east', network: 'net-east', namespace: APP.namespace }, APP_CLUSTER)).toEqual(
      APP.ips.map((ip) => ({ address: ip, port: APP.port, weight: 1 })),
    );
  });

  it("once west's east-west gateway Service has an address, east's istiod has it as net-west's gateway on 15443", async () => {
    kubectl(west, ['-n', 'istio-system', 'patch', 'service', 'istio-eastwestgateway', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { loadBalancer: { ingress: [{ ip: WEST_GATEWAY_IP }] } } })]);
    const gateways = await waitFor("net-west's gateway in east", async () => {
      const g: any[] = ((await debug(istiods.east, 'networkz')) ?? []).filter((x: any) => x.Network === 'net-west');
      return g.length ? g : undefined;
    });
    expect(gateways.map((g) => ({ Cluster: g.Cluster, Addr: g.Addr, Port: g.Port }))).toEqual([{ Cluster: 'west', Addr: WEST_GATEWAY_IP, Port: 15443 }]);
  });

  it("a sidecar on net-east then gets west's endpoints as that gateway (15443, weighted by west's two endpoints) from east's istiod", async () => {
    const eds = await waitFor('the gateway endpoint in EDS', () => {
      const e = edsFor(istiods.east, { clusterId: 'east', network: 'net-east', namespace: APP.namespace }, APP_CLUSTER);
      return e.some((x) => x.address === WEST_GATEWAY_IP) ? e : undefined;
    });
    expect(eds).toEqual([{ address: WEST_GATEWAY_IP, port: 15443, weight: APP.ips.length }]);
  });

  it("the istio-ca-root-cert each istiod writes into its cluster's namespaces is meshgen's pki root", async () => {
    const root = readFileSync(join(inst.meshDir, 'pki/root-cert.pem'), 'utf8');
    for (const c of [east, west]) {
      const cm = await waitFor(`istio-ca-root-cert in ${c.name}`, () => {
        const r = spawnSync('kubectl', ['--kubeconfig', c.kubeconfig, '-n', APP.namespace, 'get', 'configmap', 'istio-ca-root-cert', '-o', 'json'], { encoding: 'utf8' });
        return r.status === 0 ? JSON.parse(r.stdout) : undefined;
      });
      expect(cm.data['root-cert.pem'].trim()).toBe(root.trim());
    }
  });
});

/** The kubeconfig inside a rendered remote secret, and its key. */
function remoteSecretKubeconfig(reader: string, cluster: string): { key: string; text: string } {
  const secret = yamlDocs(readFileSync(remoteSecretPath(reader, cluster), 'utf8'))[0];
  const entries = Object.entries<string>(secret.stringData ?? {}).concat(Object.entries<string>(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  expect(entries.map(([k]) => k)).toEqual([cluster]);
  return { key: entries[0][0], text: entries[0][1] };
}

/**
 * A Service in west and what a Deployment of two injected replicas would leave in the API: two
 * Pods (labelled as the injector labels them, security.istio.io/tlsMode=istio; their status
 * written as a kubelet would: Running, Ready, an IP) and an EndpointSlice that points at them.
 * Nothing runs: there is no kubelet.
 */
function createAppInWest(): void {
  const pods = APP.ips.map((ip, n) => ({ name: `${APP.name}-${n}`, ip }));
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP.namespace } },
    // no controller-manager creates the namespace's default ServiceAccount
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: APP.namespace } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: APP.name, namespace: APP.namespace }, spec: { ports: [{ name: 'http', port: APP.port, targetPort: APP.port }], selector: { app: APP.name } } },
    ...pods.map((p) => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: p.name, namespace: APP.namespace, labels: { app: APP.name, 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': APP.name } },
      spec: { automountServiceAccountToken: false, containers: [{ name: 'app', image: 'e2e.invalid/none' }] },
    })),
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: `${APP.name}-e2e`, namespace: APP.namespace, labels: { 'kubernetes.io/service-name': APP.name, 'endpointslice.kubernetes.io/managed-by': 'meshgen-e2e' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: APP.port, protocol: 'TCP' }],
      endpoints: pods.map((p) => ({ addresses: [p.ip], conditions: { ready: true }, targetRef: { kind: 'Pod', name: p.name, namespace: APP.namespace } })),
    },
  ];
  kubectl(west, ['apply', '--server-side', '--field-manager=meshgen-e2e', '-f', '-'], objects.map((o) => `---\n${stringify(o)}`).join(''));
  for (const p of pods) {
    const status = { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }], conditions: [{ type: 'Ready', status: 'True' }] };
    kubectl(west, ['-n', APP.namespace, 'patch', 'pod', p.name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
  }
  // east has the namespace too, so its istiod writes istio-ca-root-cert there as well
  kubectl(east, ['apply', '--server-side', '--field-manager=meshgen-e2e', '-f', '-'], stringify(objects[0]));
}
