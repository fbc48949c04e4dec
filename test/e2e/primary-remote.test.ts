import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  Processes, debug, fillReaderTokenSecret, install, kubectl, kubectlJson, meshDir, meshgen, mergedKubeconfig, saveCredentials,
  startCluster, startIstiod, waitFor, type Cluster, type Installer, type Istiod,
} from './lib.js';

// Issue #16, step 8: one primary and one remote on the same network, on real API servers. The
// remote has no istiod: its injection webhook and its `istiod` Service lead to the primary's
// east-west gateway, and the primary's istiod reads the remote's endpoints.

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
  inst = { out: join(dir, 'out'), meshDir: dir, clusters: [primary, remote], kubeconfig: mergedKubeconfig([primary, remote], join(work, 'kubeconfig')), work, log: [] };
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

  it("the remote's sidecar injection webhook calls the primary's istiod through its east-west gateway", () => {
    const webhooks = kubectlJson(remote, ['get', 'mutatingwebhookconfigurations']).items.flatMap((w: any) => w.webhooks);
    expect(webhooks.length).toBeGreaterThan(0);
    for (const w of webhooks) expect(w.clientConfig.url).toBe(`https://${PRIMARY_GATEWAY}:15017/inject/cluster/remote1/net/network1`);
  });

  it("the remote's istiod Service leads to the primary's east-west gateway (15012 for xDS, 15017 for webhooks)", () => {
    const slices = kubectlJson(remote, ['-n', 'istio-system', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=istiod']).items;
    expect(slices.flatMap((s: any) => s.endpoints.flatMap((e: any) => e.addresses))).toEqual([PRIMARY_GATEWAY]);
    expect(slices.flatMap((s: any) => s.ports.map((p: any) => p.port)).sort()).toEqual([15012, 15017]);
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
      const key = Object.keys(shards).find((k) => /(^|\/)remote1$/.test(k));
      return key ? shards[key] : undefined;
    });
    expect(endpoints.map((e: any) => e.addresses?.[0] ?? e.address)).toEqual(APP.ips);
    expect(endpoints.map((e: any) => e.network)).toEqual(['network1']);
  });
});
