import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, certsRotateIntermediate } from '../src/pipeline.js';
import { MEMORY_REPO, memoryHostWith } from './helpers/memory.js';
import { REPO } from './helpers/fixtures.js';

// `meshgen certs rotate-intermediate <cluster>`, in memory, on the suite's fake CA
// (test/fixtures/pki). The renewed intermediate comes from test/fixtures/pki-renewed
// (TEST-ONLY ECDSA intermediates signed by the same fake root): no key is generated.

const RENEWED = join(REPO, 'test/fixtures/pki-renewed');
const readRenewed = (file: string) => readFileSync(join(RENEWED, file), 'utf8');

vi.mock('../src/pki/generate.js', async (original) => ({
  ...(await original<typeof import('../src/pki/generate.js')>()),
  createCaMaterial: async (request: { newRoot?: unknown; intermediates: { cluster: string }[] }) => {
    if (request.newRoot) throw new Error('this test makes no root');
    return { intermediates: new Map(request.intermediates.map(({ cluster }) => [cluster, { keyPem: readRenewed(`${cluster}/ca-key.pem`), certPem: readRenewed(`${cluster}/ca-cert.pem`) }])) };
  },
}));

const DIR = join(MEMORY_REPO, 'test/fixtures');
const MESH_FILE = join(DIR, 'mesh.yaml');
const OUT = join(DIR, 'out');
const MESH = `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  clusters:
    - { name: east, network: net-1, apiServer: { url: "https://192.0.2.1:6443" } }
    - { name: west, network: net-2, apiServer: { url: "https://192.0.2.2:6443" } }
    - { name: edge, network: net-2, role: remote, controlPlane: west, apiServer: { url: "https://192.0.2.3:6443" } }
`;

function setup(mesh = MESH) {
  const host = memoryHostWith(['test/fixtures/pki']);
  host.writeFile(MESH_FILE, mesh.replace('- { name: west, network: net-2, apiServer: { url: "https://192.0.2.2:6443" } }', '- { name: west, network: net-2, apiServer: { url: "https://192.0.2.2:6443" }, eastWestGateway: { address: 192.0.2.20 } }'), {});
  return host;
}

describe('meshgen certs rotate-intermediate', () => {
  it('renews the cluster\'s intermediate under the same root, and keeps the old one in <cluster>.retired.<fingerprint>/', async () => {
    const host = setup();
    const oldCert = host.readFile(join(DIR, 'pki/east/ca-cert.pem'));
    const result = await certsRotateIntermediate(MESH_FILE, 'east', host);
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(host.readFile(join(DIR, 'pki/east/ca-cert.pem'))).toBe(readRenewed('east/ca-cert.pem'));
    expect(host.readFile(join(DIR, 'pki/east/cert-chain.pem'))).toBe(readRenewed('east/ca-cert.pem') + host.readFile(join(DIR, 'pki/root-cert.pem')));
    expect(host.stat(join(DIR, 'pki/east/ca-key.pem'))?.mode).toBe(0o600);
    const retired = host.readdir(join(DIR, 'pki')).filter((n) => n.startsWith('east.retired.'));
    expect(retired).toHaveLength(1);
    expect(retired[0]).toMatch(/^east\.retired\.[0-9a-f]{16}$/);
    expect(host.readFile(join(DIR, 'pki', retired[0], 'ca-cert.pem'))).toBe(oldCert);
  });

  it('the build after it changes that cluster\'s certs/ca-cert.pem, certs/cert-chain.pem and cacerts, and nothing else', async () => {
    const host = setup();
    expect((await build({ meshFile: MESH_FILE, outDir: OUT }, host)).ok).toBe(true);
    expect((await certsRotateIntermediate(MESH_FILE, 'east', host)).ok).toBe(true);
    const after = await build({ meshFile: MESH_FILE, outDir: OUT }, host);
    expect(after.ok).toBe(true);
    const changed = after.diff!.changes.filter((c) => c.kind !== 'unchanged').map((c) => `${c.kind} ${c.path}`);
    // and the manifest, whose review facts record east's new intermediate fingerprint (and nothing else changes there)
    expect(changed.sort()).toEqual(['changed .meshgen-manifest.json', 'changed east/certs/ca-cert.pem', 'changed east/certs/cert-chain.pem', 'changed east/secrets/cacerts.yaml']);
    const manifest = after.diff!.changes.find((c) => c.path === '.meshgen-manifest.json')!;
    const [before, now] = [JSON.parse(manifest.before!), JSON.parse(after.files!.get('.meshgen-manifest.json')!.content!)];
    expect({ ...now, review: { ...now.review, clusters: { ...now.review.clusters, east: { ...now.review.clusters.east, intermediate: before.review.clusters.east.intermediate } } } }).toEqual(before);
  });

  it('refuses a remote cluster (MG3306), naming the primaries', async () => {
    const host = setup();
    const result = await certsRotateIntermediate(MESH_FILE, 'edge', host);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.hint])).toEqual([['MG3306', 'primaries: east, west']]);
  });

  it('refuses during a root rotation, pointing at spec.pki.rotation (MG3306)', async () => {
    const host = setup(MESH.replace('spec:\n', 'spec:\n  pki:\n    rotation: { phase: trust-both }\n'));
    const result = await certsRotateIntermediate(MESH_FILE, 'east', host);
    expect(result.diagnostics.map((d) => [d.code, d.file, d.position?.line, d.position?.col])).toEqual([['MG3306', MESH_FILE, 6, 5]]);
    expect(host.readdir(join(DIR, 'pki')).some((n) => n.includes('retired'))).toBe(false);
  });

  it('refuses without the root key (MG3306 at root-key.pem) and changes nothing', async () => {
    const host = setup();
    host.unlink(join(DIR, 'pki/root-key.pem'));
    const before = host.readFile(join(DIR, 'pki/east/ca-cert.pem'));
    const result = await certsRotateIntermediate(MESH_FILE, 'east', host);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['MG3306']);
    expect(result.diagnostics[0].file).toMatch(/pki\/root-key\.pem$/);
    expect(host.readFile(join(DIR, 'pki/east/ca-cert.pem'))).toBe(before);
  });
});
