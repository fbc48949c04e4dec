import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  Processes, debug, edsFor, rdsFor, fillReaderTokenSecret, install, kubectl, kubectlJson, meshDir, meshgen, mergedKubeconfig, saveCredentials,
  startCluster, startIstiod, waitFor, type Cluster, type Installer, type Istiod,
} from './lib.js';

// Issue #16, step 8: one primary and one remote on the same network, on real API servers. The
// remote has no istiod: its injection webhook and its `istiod` Service lead to the primary's
// east-west gateway, and the primary's istiod reads the remote's endpoints. The remote runs an
// ingress gateway whose Gateway and VirtualService are applied in the primary.

const procs = new Processes();
const work = mkdtempSync(join(tmpdir(), 'meshgen-e2e-pr-'));
let primary: Cluster;
let remote: Cluster;
let inst: Installer;
let istiod: Istiod;
/** the primary's east-west gateway address, as the example's mesh.yaml gives it */
const PRIMARY_GATEWAY = '192.0.2.10';
const APP = { namespace: 'e2e-app', name: 'echo', port: 8080, ips: ['10.20.0.21'] };

beforeAll(async () => {
  [primary, remote] = await Promise.all([startCluster(procs, work, 'primary1', '127.0.0.3'), startCluster(procs, work, 'remote1', '127.0.0.4')]);
  const dir = meshDir(work, 'primary-remote', (mesh) => {
    for (const c of mesh.spec.clusters) {
      const server = c.name === 'primary1' ? primary : remote;
      c.apiServer = { url: server.url, caFile: `credentials/${c.name}-ca.crt` };
      c.reader = { tokenFile: `credentials/${c.name}.token` };
    }
    // the primary's gateway address stays the example's: nothing listens there, the webhook and
    // the remote's istiod Service only have to name it
    expect(mesh.spec.clusters[0].eastWestGateway.address).toBe(PRIMARY_GATEWAY);
  });
  meshgen(['build', 'mesh.yaml', '--out', 'out'], dir);
  inst = { out: join(dir, 'out'), meshDir: dir, clusters: [primary, remote], kubeconfig: mergedKubeconfig([primary, remote], join(work, 'kubeconfig')), work, log: [], warnings: [] };
}, 600_000);

afterAll(async () => {
  await procs.stopAll();
  if (process.env.MESHGEN_E2E_KEEP !== '1') rmSync(work, { recursive: true, force: true });
  else console.log(`e2e work kept in ${work}`);
});

describe('primary-remote on one network (primary1, remote1) on real API servers', () => {
  it('both API servers accept every object of the README install order, dry run first, then for real', () => {
    expect(install(inst, { dryRun: true }).map((s) => s.line)).toEqual(['kubectl --context "$CTX_PRIMARY1" apply -f primary1/secrets/istio-remote-secret-remote1.yaml']);
    install(inst, { dryRun: false });
  });

  it("the remote's sidecar injection webhooks lead to the primary's istiod: the remote's istiod Service, whose EndpointSlice is the primary's east-west gateway on 15017", () => {
    const webhooks = kubectlJson(remote, ['get', 'mutatingwebhookconfigurations', 'istio-sidecar-injector']).webhooks;
    expect(webhooks.length).toBeGreaterThan(0);
    const service = kubectlJson(remote, ['-n', 'istio-system', 'get', 'service', 'istiod']);
    const slices = kubectlJson(remote, ['-n', 'istio-system', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=istiod']).items;
    for (const w of webhooks) {
      expect(w.clientConfig.service).toMatchObject({ name: 'istiod', namespace: 'istio-system', path: '/inject/cluster/remote1/net/network1' });
      // what kube-proxy does: Service port → its name → that port of the EndpointSlice
      expect(resolve(service, slices, w.clientConfig.service.port ?? 443)).toEqual([`${PRIMARY_GATEWAY}:15017`]);
    }
  });

  it("the remote's istiod Service (the proxies' xDS and CA address, istiod.istio-system.svc:15012) leads to the primary's east-west gateway on 15012", () => {
    const service = kubectlJson(remote, ['-n', 'istio-system', 'get', 'service', 'istiod']);
    const slices = kubectlJson(remote, ['-n', 'istio-system', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=istiod']).items;
    expect(service.spec.selector).toBeUndefined();
    expect(resolve(service, slices, 15012)).toEqual([`${PRIMARY_GATEWAY}:15012`]);
    expect(kubectlJson(remote, ['-n', 'istio-system', 'get', 'deployments']).items).toEqual([]);
  });

  it("with the remote's reader token saved and the remote secret applied, the primary's istiod reads the remote's endpoints", async () => {
    fillReaderTokenSecret(remote, 'istio-system', 'istio-reader-service-account-istio-remote-secret-token');
    expect(saveCredentials(inst)).toHaveLength(2);
    meshgen(['build', 'mesh.yaml', '--out', 'out'], inst.meshDir);
    expect(existsSync(join(inst.out, 'primary1/secrets/istio-remote-secret-remote1.yaml'))).toBe(true);
    expect(install(inst, { dryRun: false, only: (s) => /istio-remote-secret-/.test(s.line) })).toEqual([]);
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APP.namespace } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: APP.name, namespace: APP.namespace }, spec: { ports: [{ name: 'http', port: APP.port }], selector: { app: APP.name } } },
      {
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { name: `${APP.name}-e2e`, namespace: APP.namespace, labels: { 'kubernetes.io/service-name': APP.name } },
        addressType: 'IPv4', ports: [{ name: 'http', port: APP.port, protocol: 'TCP' }],
        endpoints: APP.ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
      },
    ];
    kubectl(remote, ['apply', '--server-side', '--field-manager=meshgen-e2e', '-f', '-'], objects.map((o) => `---\n${stringify(o)}`).join(''));

    istiod = await startIstiod(procs, work, primary, join(work, 'rendered/primary1/istiod.yaml'));
    await waitFor('primary1 to sync remote1', async () => ((await debug(istiod, 'clusterz')).find((c: any) => c.id === 'remote1')?.syncStatus === 'synced' ? true : undefined));
    const endpoints = await waitFor("remote1's endpoints in primary1's istiod", async () => {
      const shards = (await debug(istiod, 'endpointShardz'))[`${APP.name}.${APP.namespace}.svc.cluster.local`]?.[APP.namespace]?.Shards ?? {};
      return shards['Kubernetes/remote1'];
    });
    expect(endpoints.map((e: any) => e.Addresses)).toEqual([APP.ips]);
    // one network: meshgen labels no namespace with it (as Istio's own single-network install), and
    // istiod treats an endpoint without a network as on every proxy's network (IsSameOrEmpty)
    expect(endpoints.map((e: any) => e.Network)).toEqual(['']);
  });

  it("a sidecar in the remote (what its injector configures: cluster remote1, network network1) gets the remote's endpoint from the primary's istiod", () => {
    expect(edsFor(istiod, { clusterId: 'remote1', network: 'network1', namespace: APP.namespace }, `outbound|${APP.port}||${APP.name}.${APP.namespace}.svc.cluster.local`)).toEqual(
      APP.ips.map((ip) => ({ address: ip, port: APP.port, weight: 1 })),
    );
  });

  it("the primary's istiod gives remote1's ingress gateway the HTTPS route of the host exposed there (its Gateway and VirtualService are in primary1), and a gateway labelled alike in primary1 none", async () => {
    // the example exposes storefront.shop as shop.example.com on remote1's gateway (SIMPLE TLS);
    // a gateway's pods, as the istio/gateway chart labels them, in the gateway's namespace
    const gateway = { network: 'network1', namespace: 'istio-ingress', labels: { istio: 'ingressgateway', app: 'istio-ingressgateway' } };
    // Istio names a gateway's HTTPS route https.<port>.<server port name>.<Gateway name>.<namespace>
    const resource = 'https.443.https.storefront-shop-remote1.istio-ingress';
    const routes = await waitFor('the route of shop.example.com for remote1\'s gateway', () => {
      const r = rdsFor(istiod, { ...gateway, clusterId: 'remote1' }, resource);
      return r.length ? r : undefined;
    });
    expect(routes.map((v) => v.clusters)).toEqual([['outbound|8080||storefront.shop.svc.cluster.local']]);
    expect(routes[0].domains).toContain('shop.example.com');
    // negative control: the same probe as a gateway in primary1 (the Gateway also selects topology.istio.io/cluster: remote1)
    expect(rdsFor(istiod, { ...gateway, clusterId: 'primary1' }, resource)).toEqual([]);
  });

  it("the primary's istiod distributes meshgen's pki root in the remote: istio-ca-root-cert and the injection webhook's caBundle", async () => {
    const root = readFileSync(join(inst.meshDir, 'pki/root-cert.pem'), 'utf8').trim();
    const cm = await waitFor('istio-ca-root-cert in remote1', () => {
      const r = spawnSync('kubectl', ['--kubeconfig', remote.kubeconfig, '-n', APP.namespace, 'get', 'configmap', 'istio-ca-root-cert', '-o', 'json'], { encoding: 'utf8' });
      return r.status === 0 ? JSON.parse(r.stdout) : undefined;
    });
    expect(cm.data['root-cert.pem'].trim()).toBe(root);
    const bundles = await waitFor("the remote's webhook caBundle", () => {
      const w = kubectlJson(remote, ['get', 'mutatingwebhookconfigurations', 'istio-sidecar-injector']).webhooks;
      return w.every((x: any) => x.clientConfig.caBundle) ? w.map((x: any) => Buffer.from(x.clientConfig.caBundle, 'base64').toString().trim()) : undefined;
    });
    expect(new Set(bundles)).toEqual(new Set([root]));
  });
});

/** The address:port a selectorless Service's port leads to, through its EndpointSlices (by port name). */
function resolve(service: any, slices: any[], port: number): string[] {
  const p = service.spec.ports.find((x: any) => x.port === port);
  if (!p) return [];
  return slices.flatMap((s: any) => {
    const target = s.ports.find((x: any) => x.name === p.name);
    return target ? s.endpoints.flatMap((e: any) => e.addresses.map((a: string) => `${a}:${target.port}`)) : [];
  });
}
