import { describe, expect, it } from 'vitest';
import { join, posix } from 'node:path';
import { build } from '../src/pipeline.js';
import { contextVariable } from '../src/render/docs/kube-context.js';
import { readFileSync } from 'node:fs';
import { EXAMPLES, REPO } from './helpers/fixtures.js';
import { MEMORY_REPO, memoryHostWith } from './helpers/memory.js';
import { installCommands, replayInstall, type ReplayCluster } from './helpers/install-replay.js';

// out/README.md's install order, replayed command by command against simulated clusters
// (test/helpers/install-replay.ts): every command must find what it needs in place, and at
// the end every cluster is installed and every istiod holds the remote secrets it reads.

const OUT = '/install-replay/out';

/** Builds an example in memory, optionally with its mesh.yaml edited; returns out/ by relative path and the clusters. */
async function built(example: string, edit: (mesh: string) => string = (m) => m) {
  const host = memoryHostWith([`examples/${example}`]);
  const meshFile = join(MEMORY_REPO, 'examples', example, 'mesh.yaml');
  host.writeFile(meshFile, edit(host.readFile(meshFile)), { mode: 0o644 });
  const result = await build({ meshFile, outDir: OUT }, host);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const files = (path: string) => {
    try {
      return host.readFile(posix.join(OUT, path));
    } catch {
      return undefined;
    }
  };
  const clusters: ReplayCluster[] = result.plan!.clusters.map((p) => ({ name: p.cluster.name, contextVariable: contextVariable(p.cluster), controlPlane: p.controlPlane?.cluster.name }));
  return { files, clusters, plan: result.plan!, readme: files('README.md')! };
}

const omitSecrets = (mesh: string) => (/^ {4}mode: omit\b/m.test(mesh) ? mesh : mesh.replace(/^spec:\n/m, 'spec:\n  secrets: { mode: omit }\n'));
const withVerification = (mesh: string) => (/^\s+verification:/m.test(mesh) ? mesh : mesh.replace(/^spec:\n/m, 'spec:\n  verification: { enabled: true }\n'));

const variants: [string, string, (mesh: string) => string][] = [
  ...EXAMPLES.map((e): [string, string, (m: string) => string] => [e, e, (m) => m]),
  // (an example that chooses its own secrets.mode is replayed with it only)
  ...EXAMPLES.filter((e) => !e.startsWith('legacy') && !/^ {2}secrets:/m.test(readFileSync(join(REPO, 'examples', e, 'mesh.yaml'), 'utf8'))).map((e): [string, string, (m: string) => string] => [`${e}, secrets.mode omit`, e, omitSecrets]),
  ['primary-remote with verification workloads', 'primary-remote', withVerification],
  ['primary-remote-multi-network with verification workloads, secrets.mode omit', 'primary-remote-multi-network', (m) => omitSecrets(withVerification(m))],
];

describe.each(variants)('the install order of %s', (_, example, edit) => {
  it('runs as written: every command finds what it needs, and the mesh ends installed', async () => {
    const { files, clusters, plan, readme } = await built(example, edit);
    const replay = replayInstall(installCommands(readme), clusters, files);
    expect(replay.failure).toBeUndefined();
    for (const p of plan.clusters) {
      const state = replay.clusters.get(p.cluster.name)!;
      expect(state.kustomizationApplied, `${p.cluster.name}: kubectl apply -k`).toBe(true);
      if (p.cluster.role === 'primary') expect(state.istiodReady, `${p.cluster.name}: istiod ready`).toBe(true);
      expect([...state.remoteSecrets].sort(), `${p.cluster.name}: remote secrets held`).toEqual(plan.clusters.filter((q) => q.readers.some((r) => r.name === p.cluster.name)).map((q) => q.cluster.name).sort());
    }
  });
});

// Controls: the replay must refuse the orders the issue found broken.
describe('the install-order replay (controls)', () => {
  it('refuses a remote secret applied into a cluster whose istio-system does not exist yet', async () => {
    const { files, clusters, readme } = await built('multi-primary-multi-network');
    const commands = installCommands(readme);
    const bootstrap = commands.filter((c) => c.includes('core_Namespace__istio-system.yaml') || c.includes('secrets/cacerts.yaml'));
    // the old order: each cluster's namespace only when that cluster's turn comes
    const perCluster = clusters.flatMap((c) => {
      const own = (line: string) => line.includes(`$${c.contextVariable}"`) || line.includes(`$${c.contextVariable} `);
      return [...bootstrap.filter(own), ...commands.filter((line) => !bootstrap.includes(line) && own(line) && !line.includes('/secrets/istio-remote-secret-'))];
    });
    const remoteSecrets = commands.filter((c) => c.includes('/secrets/istio-remote-secret-'));
    const oldOrder = [...perCluster.slice(0, perCluster.length / 2), ...remoteSecrets, ...perCluster.slice(perCluster.length / 2)];
    const replay = replayInstall(oldOrder, clusters, files);
    expect(replay.failure?.reason).toMatch(/namespaces "istio-system" not found/);
  });

  it('refuses a gateway installed right after an istiod installed without --wait', async () => {
    const { files, clusters, readme } = await built('multi-primary');
    const commands = installCommands(readme).map((c) => c.replace(/ --wait$/, ''));
    expect(replayInstall(commands, clusters, files).failure?.reason).toMatch(/gateway .* cannot be injected: istiod in \S+ is not ready/);
  });

  it("refuses a remote's workloads applied before its primary holds the remote's secret", async () => {
    const { files, clusters, readme } = await built('primary-remote', withVerification);
    const commands = installCommands(readme);
    const remoteApps = commands.findIndex((c) => c.endsWith('apply -k remote1'));
    const secret = commands.findIndex((c) => c.includes('secrets/istio-remote-secret-remote1.yaml'));
    expect(secret).toBeGreaterThan(-1);
    expect(remoteApps).toBeGreaterThan(secret);
    const reordered = [...commands.slice(0, secret), commands[remoteApps], ...commands.slice(secret, remoteApps), ...commands.slice(remoteApps + 1)];
    expect(replayInstall(reordered, clusters, files).failure?.reason).toMatch(/primary1 does not hold remote1's remote secret yet/);
  });

  it('refuses an ambient cluster whose Gateway API CRDs are left out, or whose ztunnel comes before istio-cni', async () => {
    const { files, clusters, readme } = await built('ambient-multi-network');
    const commands = installCommands(readme);
    const withoutCrds = commands.filter((c) => !c.includes('standard-install.yaml'));
    expect(replayInstall(withoutCrds, clusters, files).failure?.reason).toMatch(/Gateway API CRDs are not installed/);
    const cni = commands.findIndex((c) => c.includes('install istio-cni '));
    const swapped = [...commands.slice(0, cni), commands[cni + 1], commands[cni], ...commands.slice(cni + 2)];
    expect(replayInstall(swapped, clusters, files).failure?.reason).toMatch(/ztunnel in \S+ before istio-cni/);
  });

  it('refuses an ambient namespace\'s workloads before its cluster has istio-cni and ztunnel', async () => {
    const { files, clusters, readme } = await built('ambient-multi-network');
    const commands = installCommands(readme).filter((c) => !/install (istio-cni|ztunnel) /.test(c));
    expect(replayInstall(commands, clusters, files).failure?.reason).toMatch(/an ambient namespace, but istio-cni and ztunnel are not installed/);
  });

  it('refuses a PushSecret applied before the reader token Secret it pushes from', async () => {
    const { files, clusters, readme } = await built('external-secrets');
    const commands = installCommands(readme);
    const token = commands.findIndex((c) => c.includes('cluster1/manifests/core_Secret_istio-system_istio-reader-service-account-istio-remote-secret-token.yaml'));
    const push = commands.findIndex((c) => c.includes('cluster1/manifests/external-secrets.io_PushSecret_'));
    expect(push).toBeGreaterThan(token);
    const swapped = [...commands];
    [swapped[token], swapped[push]] = [swapped[push]!, swapped[token]!];
    expect(replayInstall(swapped, clusters, files).failure?.reason).toMatch(/PushSecret istio-reader-kubeconfig in cluster1: its Secret istio-reader-service-account-istio-remote-secret-token does not exist/);
  });

  it('holds a remote secret made by an ExternalSecret only once its key is pushed', async () => {
    const { files, clusters, readme } = await built('external-secrets');
    const withoutPushes = installCommands(readme).filter((c) => !c.includes('PushSecret') && !/apply -k /.test(c));
    const replay = replayInstall(withoutPushes, clusters, files);
    expect(replay.failure).toBeUndefined();
    expect([...replay.clusters.get('cluster1')!.remoteSecrets]).toEqual([]);
  });

  it('waits only for an object that was applied', async () => {
    const { files, clusters, readme } = await built('external-secrets-cert-manager');
    const commands = installCommands(readme).filter((c) => !c.includes('apply -f east/manifests/cert-manager.io_Certificate'));
    expect(replayInstall(commands, clusters, files).failure?.reason).toMatch(/kubectl wait: certificate.cert-manager.io\/cacerts was never applied in east/);
  });

  it('refuses a command that names a file out/ does not have', async () => {
    const { files, clusters, readme } = await built('multi-primary');
    const commands = installCommands(readme).map((c) => c.replace('cluster1/helm/istiod.values.yaml', 'cluster1/helm/istiod.yaml'));
    expect(replayInstall(commands, clusters, files).failure?.reason).toMatch(/cluster1\/helm\/istiod\.yaml: no such file/);
  });
});
