import { describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { build } from '../src/pipeline.js';
import type { MemoryHost } from '../src/host/memory-host.js';
import { MEMORY_REPO, memoryHostWith } from './helpers/memory.js';
import { REPO } from './helpers/fixtures.js';

// A root rotation followed end to end, in memory, on examples/multi-primary (root A and its
// intermediates are the example's committed demo CA). Root B and the intermediates it signs
// come from test/fixtures/pki-rotation (TEST-ONLY ECDSA material made with openssl): the
// generator is replaced so that no key is generated in the suite.

const B = join(REPO, 'test/fixtures/pki-rotation');
const readB = (file: string) => readFileSync(join(B, file), 'utf8');
const requests: { newRoot: boolean; signer: boolean; intermediates: string[] }[] = [];

vi.mock('../src/pki/generate.js', async (original) => ({
  ...(await original<typeof import('../src/pki/generate.js')>()),
  createCaMaterial: async (request: { newRoot?: unknown; signer?: unknown; intermediates: { cluster: string }[] }) => {
    requests.push({ newRoot: request.newRoot !== undefined, signer: request.signer !== undefined, intermediates: request.intermediates.map((i) => i.cluster) });
    return {
      root: request.newRoot ? { keyPem: readB('root-key.pem'), certPem: readB('root-cert.pem') } : undefined,
      intermediates: new Map(request.intermediates.map(({ cluster }) => [cluster, { keyPem: readB(`${cluster}/ca-key.pem`), certPem: readB(`${cluster}/ca-cert.pem`) }])),
    };
  },
}));

const EXAMPLE = join(MEMORY_REPO, 'examples/multi-primary');
const MESH_FILE = join(EXAMPLE, 'mesh.yaml');
const OUT = join(EXAMPLE, 'out');
const CLUSTERS = ['cluster1', 'cluster2'];
const PHASES = ['trust-both', 'sign-with-new', 'drop-old'] as const;
type Phase = (typeof PHASES)[number];

function setPhase(host: MemoryHost, phase: Phase | undefined): void {
  const original = readFileSync(join(REPO, 'examples/multi-primary/mesh.yaml'), 'utf8');
  const text = phase ? original.replace(/^spec:\n/m, `spec:\n  pki:\n    rotation:\n      phase: ${phase}\n`) : original;
  host.writeFile(MESH_FILE, text, {});
}

async function buildPhase(host: MemoryHost, phase: Phase | undefined) {
  setPhase(host, phase);
  const result = await build({ meshFile: MESH_FILE, outDir: OUT }, host);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(result.ok).toBe(true);
  const read = (path: string) => host.readFile(join(OUT, path));
  return { result, read };
}

function pemBlocks(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----\n/g) ?? [];
}

/** node: some certificate of the bundle issued the intermediate, and its signature verifies. */
function nodeVerifies(bundle: string, intermediate: string): boolean {
  const cert = new X509Certificate(intermediate);
  return pemBlocks(bundle).some((pem) => {
    const root = new X509Certificate(pem);
    return cert.checkIssued(root) && cert.verify(root.publicKey);
  });
}

/** openssl verify -CAfile bundle intermediate: exit status 0. */
function opensslVerifies(dir: string, bundle: string, intermediate: string): boolean {
  writeFileSync(join(dir, 'bundle.pem'), bundle);
  writeFileSync(join(dir, 'intermediate.pem'), intermediate);
  try {
    execFileSync('openssl', ['verify', '-CAfile', join(dir, 'bundle.pem'), join(dir, 'intermediate.pem')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('root rotation, phase by phase', () => {
  it('at every phase each cluster\'s bundle verifies every cluster\'s intermediate (node and openssl), and consecutive bundles contain one another', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    const scratch = mkdtempSync(join(tmpdir(), 'meshgen-rotation-'));
    try {
      const before = await buildPhase(host, undefined);
      let previous = new Map(CLUSTERS.map((c) => [c, before.read(`${c}/certs/root-cert.pem`)]));
      const oldIntermediates = CLUSTERS.map((c) => before.read(`${c}/certs/ca-cert.pem`));
      for (const phase of PHASES) {
        const { read } = await buildPhase(host, phase);
        for (const c of CLUSTERS) {
          const bundle = read(`${c}/certs/root-cert.pem`);
          for (const d of CLUSTERS) {
            const intermediate = read(`${d}/certs/ca-cert.pem`);
            expect(nodeVerifies(bundle, intermediate), `${phase}: ${c}'s bundle, ${d}'s intermediate (node)`).toBe(true);
            expect(opensslVerifies(scratch, bundle, intermediate), `${phase}: ${c}'s bundle, ${d}'s intermediate (openssl)`).toBe(true);
          }
          // istiod 1.28/1.29's reload check: one bundle's bytes inside the other's
          const prev = previous.get(c)!;
          expect(bundle.includes(prev) || prev.includes(bundle), `${phase}: ${c}'s bundle and the previous one`).toBe(true);
          // the cacerts Secret istiod reads carries the same bundle
          const cacerts = parse(read(`${c}/secrets/cacerts.yaml`));
          expect(Buffer.from(cacerts.data['root-cert.pem'], 'base64').toString()).toBe(bundle);
        }
        previous = new Map(CLUSTERS.map((c) => [c, read(`${c}/certs/root-cert.pem`)]));
      }
      // negative control: after drop-old, a bundle no longer verifies A's intermediates
      const finalBundle = previous.get('cluster1')!;
      expect(nodeVerifies(finalBundle, oldIntermediates[0])).toBe(false);
      expect(opensslVerifies(scratch, finalBundle, oldIntermediates[0])).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('the bundles are A, then A‖B, then A‖B‖B, then B, with A\'s bytes first and unchanged', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    const a = readFileSync(join(REPO, 'examples/multi-primary/pki/root-cert.pem'), 'utf8');
    const b = readB('root-cert.pem');
    const bundles: string[] = [];
    for (const phase of [undefined, ...PHASES]) bundles.push((await buildPhase(host, phase)).read('cluster2/certs/root-cert.pem'));
    expect(bundles).toEqual([a, a + b, a + b + b, b]);
  });

  it('trust-both creates root B in pki/rotation.new/ and keeps every intermediate; sign-with-new creates the intermediates under B', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    requests.length = 0;
    const trustBoth = await buildPhase(host, 'trust-both');
    expect(trustBoth.result.pki?.created.sort()).toEqual(['rotation.new/root-cert.pem', 'rotation.new/root-key.pem']);
    expect(requests).toEqual([{ newRoot: true, signer: false, intermediates: [] }]);
    const a1 = readFileSync(join(REPO, 'examples/multi-primary/pki/cluster1/ca-cert.pem'), 'utf8');
    expect(trustBoth.read('cluster1/certs/ca-cert.pem')).toBe(a1);

    const signWithNew = await buildPhase(host, 'sign-with-new');
    expect(signWithNew.result.pki?.created.sort()).toEqual(
      CLUSTERS.flatMap((c) => ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem'].map((f) => `rotation.new/${c}/${f}`)).sort(),
    );
    expect(signWithNew.read('cluster1/certs/ca-cert.pem')).toBe(readB('cluster1/ca-cert.pem'));
    expect(signWithNew.read('cluster1/certs/cert-chain.pem')).toBe(readB('cluster1/ca-cert.pem') + readB('root-cert.pem'));
    expect(host.readFile(join(EXAMPLE, 'pki/rotation.new/cluster1/cert-chain.pem'))).toBe(readB('cluster1/ca-cert.pem') + readB('root-cert.pem'));
    expect(host.stat(join(EXAMPLE, 'pki/rotation.new/cluster1/ca-key.pem'))?.mode).toBe(0o600);
  });

  it('drop-old keeps root A\'s files in pki/ as they were (nothing is deleted)', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    const aFiles = ['root-cert.pem', 'root-key.pem', 'cluster1/ca-key.pem', 'cluster2/cert-chain.pem'];
    const before = aFiles.map((f) => host.readFile(join(EXAMPLE, 'pki', f)));
    for (const phase of PHASES) await buildPhase(host, phase);
    expect(aFiles.map((f) => host.readFile(join(EXAMPLE, 'pki', f)))).toEqual(before);
  });

  it('istiod gets ISTIO_MULTIROOT_MESH and proxies PROXY_CONFIG_XDS_AGENT in every phase, and neither without a rotation', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    const values = async (phase: Phase | undefined) => parse((await buildPhase(host, phase)).read('cluster1/helm/istiod.values.yaml'));
    const plain = await values(undefined);
    expect(plain.env).toBeUndefined();
    expect(plain.meshConfig.defaultConfig.proxyMetadata.PROXY_CONFIG_XDS_AGENT).toBeUndefined();
    for (const phase of PHASES) {
      const v = await values(phase);
      expect(v.env, phase).toEqual({ ISTIO_MULTIROOT_MESH: 'true' });
      expect(v.meshConfig.defaultConfig.proxyMetadata.PROXY_CONFIG_XDS_AGENT, phase).toBe('true');
    }
  });
});

describe('root rotation refusals', () => {
  async function refused(host: MemoryHost, phase: Phase) {
    setPhase(host, phase);
    const readme = host.stat(OUT) ? host.readFile(join(OUT, 'README.md')) : undefined;
    const result = await build({ meshFile: MESH_FILE, outDir: OUT }, host);
    expect(result.ok).toBe(false);
    // nothing written: out/ is as the last good build left it
    expect(host.stat(OUT) ? host.readFile(join(OUT, 'README.md')) : undefined).toBe(readme);
    return result.diagnostics.filter((d) => d.severity === 'error');
  }
  const phaseLine = (host: MemoryHost) => host.readFile(MESH_FILE).split('\n').findIndex((l) => l.includes('phase:')) + 1;

  it('sign-with-new without root B (trust-both skipped) is MG3301 at spec.pki.rotation.phase', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    const [problem, ...rest] = await refused(host, 'sign-with-new');
    expect(rest).toEqual([]);
    expect(problem.code).toBe('MG3301');
    expect(problem.file).toBe(MESH_FILE);
    expect(problem.position).toMatchObject({ line: phaseLine(host), col: 14 });
  });

  it('drop-old straight after trust-both (sign-with-new skipped) is MG3302 for each cluster still signed by A', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    await buildPhase(host, 'trust-both');
    const problems = await refused(host, 'drop-old');
    expect(problems.map((d) => d.code)).toEqual(['MG3302', 'MG3302']);
    expect(problems.map((d) => d.message.match(/cluster "(\w+)"/)?.[1])).toEqual(CLUSTERS);
    expect(problems[0].position).toMatchObject({ line: phaseLine(host), col: 14 });
  });

  it('sign-with-new when root B\'s key is missing is MG3303, pointing at the key file', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    await buildPhase(host, 'trust-both');
    host.unlink(join(EXAMPLE, 'pki/rotation.new/root-key.pem'));
    const problems = await refused(host, 'sign-with-new');
    expect(problems.map((d) => d.code)).toEqual(['MG3303']);
    expect(problems[0].file).toBe(join(EXAMPLE, 'pki/rotation.new/root-key.pem'));
  });
});

describe('after the rotation', () => {
  it('the finishing commands (archive A, move B up, remove spec.pki.rotation) give a build with the same certificates and bundles', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    for (const phase of PHASES) await buildPhase(host, phase);
    const certs = (read: (p: string) => string) => CLUSTERS.flatMap((c) => ['root-cert.pem', 'ca-cert.pem', 'cert-chain.pem'].map((f) => read(`${c}/certs/${f}`)));
    const dropOld = certs((p) => host.readFile(join(OUT, p)));
    // what out/README.md's "Finishing the rotation" runs in the pki directory
    const pki = join(EXAMPLE, 'pki');
    host.mkdir(join(pki, 'retired.a'));
    for (const name of ['root-cert.pem', 'root-key.pem', ...CLUSTERS]) host.rename(join(pki, name), join(pki, 'retired.a', name));
    for (const name of ['root-cert.pem', 'root-key.pem', ...CLUSTERS]) host.rename(join(pki, 'rotation.new', name), join(pki, name));
    host.rmdir(join(pki, 'rotation.new'));
    const after = await buildPhase(host, undefined);
    expect(after.result.pki?.created).toEqual([]);
    expect(certs(after.read)).toEqual(dropOld);
  });
});

describe('root rotation without creating material', () => {
  it('build --check of trust-both before root B exists is MG3011 for the new root, and writes nothing', async () => {
    const host = memoryHostWith(['examples/multi-primary']);
    setPhase(host, 'trust-both');
    const result = await build({ meshFile: MESH_FILE, outDir: OUT, check: true }, host);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.file])).toEqual([['MG3011', join(EXAMPLE, 'pki/rotation.new/root-cert.pem')]]);
    expect(host.stat(join(EXAMPLE, 'pki/rotation.new'))).toBeUndefined();
  });
});

describe('cacerts made by hand during a rotation (secrets.mode omit)', () => {
  it('takes the phase\'s bundle and chain from certs/ and the key from where the phase keeps it, also in the install steps', async () => {
    const { renderText, meshText } = await import('./helpers/render.js');
    const { files } = renderText(meshText('istio: { version: "1.30.3" }\npki: { rotation: { phase: sign-with-new } }\nclusters:\n  - { name: east, network: n1 }'));
    const commands = files.get('README.md')!.split('\n').filter((l) => l.includes('create secret generic cacerts'));
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      expect(command).toContain('--from-file=root-cert.pem=east/certs/root-cert.pem');
      expect(command).toContain('--from-file=cert-chain.pem=east/certs/cert-chain.pem');
      expect(command).toMatch(/--from-file=ca-key\.pem=\S*pki\/rotation\.new\/east\/ca-key\.pem/);
    }
  });
});
