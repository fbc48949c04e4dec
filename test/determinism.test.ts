import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { build } from '../src/pipeline.js';
import { EXAMPLES, examplePath, readTree, REPO, runCliAsync, seedEncryptedFiles, tempDir } from './helpers/fixtures.js';

// Same input, same bytes: whatever the time zone, locale, cdk8s environment or the order in
// which mesh.yaml lists its clusters. The environments are those of separate processes of the
// built CLI (a time zone or locale is fixed when a process starts), each compared with a build
// in this test's own process; the cluster order needs no process of its own and is built in process.

const environments: NodeJS.ProcessEnv[] = [
  { TZ: 'UTC', LANG: 'C' },
  { TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
  { TZ: 'America/St_Johns', LANG: 'de_DE.UTF-8', CDK8S_DISABLE_SORT: '1', CDK8S_LEGACY_HASH: '1' },
  { TZ: 'Asia/Kathmandu', LANG: 'ja_JP.UTF-8', CDK8S_OUTDIR: '/nonexistent', CDK8S_RECORD_CONSTRUCT_METADATA: 'true' },
];

/**
 * A copy of the example (mesh file, CA, credentials and extra manifests) at dir/mesh.yaml, so every run names
 * the same source and uses the same CA.
 */
function copyExample(example: string, meshText: string): string {
  const dir = tempDir();
  // extra/: the user's own objects; sealed/ and age/: the sealing certificates and TEST-ONLY identities of the encrypted examples
  for (const sub of ['pki', 'credentials', 'extra', 'sealed', 'age']) {
    // a legacy .global mesh reads no credentials, so its example has none
    if (existsSync(join(dirname(examplePath(example)), sub))) cpSync(join(dirname(examplePath(example)), sub), join(dir, sub), { recursive: true });
  }
  writeFileSync(join(dir, 'mesh.yaml'), meshText);
  // encryption is randomised: same bytes means a rebuild keeps the committed encrypted files
  seedEncryptedFiles(join(REPO, example === 'multi-primary-multi-network' ? 'out' : `test/golden/${example}`), join(dir, 'out'));
  return dir;
}

/** `meshgen build mesh.yaml --out out` of a copy, in a process with only PATH and `env`. */
async function buildInChild(example: string, meshText: string, env: NodeJS.ProcessEnv): Promise<Map<string, Buffer>> {
  const dir = copyExample(example, meshText);
  const run = await runCliAsync(['build', 'mesh.yaml', '--out', 'out', '--quiet'], { cwd: dir, env: { PATH: process.env.PATH, ...env } });
  expect(run.status, run.stderr).toBe(0);
  return readTree(join(dir, 'out'));
}

/** The same build, in this process. */
async function buildHere(example: string, meshText: string): Promise<Map<string, Buffer>> {
  const dir = copyExample(example, meshText);
  const result = await build({ meshFile: join(dir, 'mesh.yaml'), outDir: join(dir, 'out') });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return readTree(join(dir, 'out'));
}

function reversedClusters(meshText: string): string {
  const doc = parseDocument(meshText);
  const clusters = doc.getIn(['spec', 'clusters']) as { items: unknown[] };
  clusters.items.reverse();
  return doc.toString();
}

/**
 * Each example is built once in this process and once in a child process with one of the
 * environments above, taken in turn, so that every environment builds a quarter of the
 * examples; one child an example (not four) keeps the suite in its time budget, and no
 * environment goes untried. The in-process build is also the baseline of the order test.
 */
function environmentFor(example: string): NodeJS.ProcessEnv {
  return environments[EXAMPLES.indexOf(example as (typeof EXAMPLES)[number]) % environments.length]!;
}

const inProcess = new Map<string, Promise<Map<string, Buffer>>>();
function builtHere(example: string, meshText: string): Promise<Map<string, Buffer>> {
  let built = inProcess.get(example);
  if (!built) inProcess.set(example, (built = buildHere(example, meshText)));
  return built;
}

describe.each(EXAMPLES)('example %s', (example) => {
  const meshText = readFileSync(examplePath(example), 'utf8');

  it('renders identical bytes under different TZ, LANG and CDK8S_* settings', async () => {
    const [here, child] = await Promise.all([builtHere(example, meshText), buildInChild(example, meshText, environmentFor(example))]);
    expect(here.size).toBeGreaterThan(5);
    expect(child).toEqual(here);
  });

  it('renders identical bytes when the clusters are listed in another order', async () => {
    const reordered = reversedClusters(meshText);
    expect(reordered).not.toEqual(meshText);
    const [a, b] = [await buildHere(example, reordered), await builtHere(example, meshText)];
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((path) => !a.get(path)?.equals(b.get(path) ?? Buffer.alloc(0))).sort();
    // The one thing mesh.yaml's order decides: helloworld v1 runs in its first cluster, v2 in the next, and so on.
    const verificationOnly = /(helloworld-v\d+\.yaml|kustomization\.yaml|\.meshgen-manifest\.json|verify\.sh)$/;
    if (meshText.includes('verification:')) {
      expect(differing.length).toBeGreaterThan(0);
      expect(differing.filter((p) => !verificationOnly.test(p))).toEqual([]);
    } else {
      expect(differing).toEqual([]);
    }
  });
});
