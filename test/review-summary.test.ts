import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import type { MemoryHost } from '../src/host/memory-host.js';
import { MEMORY_REPO, memoryHostWith } from './helpers/memory.js';
import { REPO } from './helpers/fixtures.js';

// `meshgen build --check --summary`: the review summary of a change, from the manifest's facts
// and file list, not from text diffs. Each test builds the base, changes mesh.yaml, and reads
// the summary of --check against the base's out/.

const DIR = join(MEMORY_REPO, 'test/fixtures');
const MESH_FILE = join(DIR, 'mesh.yaml');
const OUT = join(DIR, 'out');

const cluster = (name: string, ip: number) => `    - { name: ${name}, network: n-${name}, apiServer: { url: "https://192.0.2.${ip}:6443" } }\n`;
const mesh = (clusters: string, istio = 'istio: { version: "1.30.3" }') =>
  `apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: demo }\nspec:\n  ${istio}\n  namespaces: [{ name: shop }]\n  clusters:\n${clusters}`;

async function summaryOfChange(host: MemoryHost, from: string, to: string): Promise<string[]> {
  host.writeFile(MESH_FILE, from, {});
  expect((await build({ meshFile: MESH_FILE, outDir: OUT }, host)).ok).toBe(true);
  host.writeFile(MESH_FILE, to, {});
  const result = await build({ meshFile: MESH_FILE, outDir: OUT, check: true, summary: true }, host);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.summary!.split('\n');
}

const fingerprint = (file: string) => new X509Certificate(readFileSync(join(REPO, 'test/fixtures', file), 'utf8')).fingerprint256.replace(/:/g, '').slice(0, 16).toLowerCase();

describe('review summary', () => {
  it('adding a cluster: the cluster, its releases, its trust bundle and intermediate, and the remote secrets the others get', async () => {
    const host = memoryHostWith(['test/fixtures/pki']);
    const lines = await summaryOfChange(host, mesh(cluster('cluster1', 1) + cluster('cluster2', 2)), mesh(cluster('cluster1', 1) + cluster('cluster2', 2) + cluster('cluster3', 3)));
    expect(lines).toContain('- clusters added: `cluster3`');
    expect(lines).toContain('- clusters removed: –');
    expect(lines).toContain('### cluster3 (added)');
    expect(lines).toContain(`- trust bundle: – → \`${fingerprint('pki/root-cert.pem')}\``);
    expect(lines).toContain(`- intermediate: – → \`${fingerprint('pki/cluster3/ca-cert.pem')}\``);
    expect(lines).toContain('- release `istiod` added: istiod 1.30.3');
    // cluster1 now reads cluster3
    const cluster1 = lines.slice(lines.indexOf('### cluster1'), lines.indexOf('### cluster2'));
    expect(cluster1).toContain('- remote secrets: added `istio-remote-secret-cluster3`; removed –');
    expect(lines.slice(lines.indexOf('### cluster3 (added)'))).toContain('- objects added: Gateway (1): `istio-system/cross-network-gateway`; Namespace (2): `istio-system`, `shop`; Secret (1): `istio-system/istio-reader-service-account-istio-remote-secret-token`');
  });

  it('a root rotation phase: the phase move, and each cluster\'s bundle and intermediate by fingerprint', async () => {
    const host = memoryHostWith(['test/fixtures/pki', 'test/fixtures/pki-rotation']);
    // root B and the intermediates it signs are in place, as trust-both and sign-with-new would have made them
    for (const f of ['root-cert.pem', 'root-key.pem', ...['cluster1', 'cluster2'].flatMap((c) => ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem'].map((n) => `${c}/${n}`))]) {
      host.mkdir(join(DIR, 'pki/rotation.new', f, '..'));
      host.writeFile(join(DIR, 'pki/rotation.new', f), host.readFile(join(DIR, 'pki-rotation', f)), { mode: 0o600 });
    }
    const rotating = (phase: string) => mesh(cluster('cluster1', 1) + cluster('cluster2', 2), `istio: { version: "1.30.3" }\n  pki: { rotation: { phase: ${phase} } }`);
    const lines = await summaryOfChange(host, rotating('trust-both'), rotating('sign-with-new'));
    const [a, b] = [fingerprint('pki/root-cert.pem'), fingerprint('pki-rotation/root-cert.pem')];
    expect(lines).toContain('- root rotation: trust-both → sign-with-new');
    expect(lines).toContain(`- trust bundle: \`${a}\` + \`${b}\` → \`${a}\` + \`${b}\` + \`${b}\``);
    expect(lines).toContain(`- intermediate: \`${fingerprint('pki/cluster2/ca-cert.pem')}\` → \`${fingerprint('pki-rotation/cluster2/ca-cert.pem')}\``);
    expect(lines.some((l) => l.startsWith('- root rotation, phase sign-with-new: apply, then check every cluster'))).toBe(true);
  });

  it('an upgrade phase: the phase move and the revision tags that move between the releases', async () => {
    const host = memoryHostWith(['test/fixtures/pki']);
    const upgrading = (phase: string) => mesh(cluster('cluster1', 1), `istio: { version: "1.29.6", upgrade: { revision: 1-30-3, version: "1.30.3", phase: ${phase} } }`);
    const lines = await summaryOfChange(host, upgrading('canary'), upgrading('migrate'));
    expect(lines).toContain('- control-plane upgrade: canary → migrate');
    expect(lines).toContain('- release `istiod`: istiod 1.29.6, tags prod-stable → istiod 1.29.6');
    expect(lines).toContain('- release `istiod-1-30-3`: istiod 1.30.3, revision 1-30-3, tags prod-canary → istiod 1.30.3, revision 1-30-3, tags prod-canary, prod-stable');
    expect(lines.some((l) => l.includes('trust bundle'))).toBe(false);
  });

  it('no change: every section is empty and --check passes', async () => {
    const host = memoryHostWith(['test/fixtures/pki']);
    const text = mesh(cluster('cluster1', 1));
    const lines = await summaryOfChange(host, text, text);
    expect(lines.filter((l) => l.startsWith('###'))).toEqual(['### Next']);
    expect(lines).toContain('- clusters added: –');
  });
});
