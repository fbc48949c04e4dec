import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { EXAMPLES, examplePath, readTree, runCli, tempDir } from './helpers/fixtures.js';

// Same input, same bytes: whatever the time zone, locale, cdk8s environment or the order in
// which mesh.yaml lists its clusters.

const environments: NodeJS.ProcessEnv[] = [
  { TZ: 'UTC', LANG: 'C' },
  { TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
  { TZ: 'America/St_Johns', LANG: 'de_DE.UTF-8', CDK8S_DISABLE_SORT: '1', CDK8S_LEGACY_HASH: '1' },
  { TZ: 'Asia/Kathmandu', LANG: 'ja_JP.UTF-8', CDK8S_OUTDIR: '/nonexistent', CDK8S_RECORD_CONSTRUCT_METADATA: 'true' },
];

/**
 * Builds a copy of the example (mesh file, CA and credentials) at dir/mesh.yaml into dir/out,
 * so every run names the same source and uses the same CA.
 */
function buildCopy(example: string, meshText: string, env: NodeJS.ProcessEnv): Map<string, Buffer> {
  const dir = tempDir();
  for (const sub of ['pki', 'credentials']) {
    // a legacy .global mesh reads no credentials, so its example has none
    if (existsSync(join(dirname(examplePath(example)), sub))) cpSync(join(dirname(examplePath(example)), sub), join(dir, sub), { recursive: true });
  }
  writeFileSync(join(dir, 'mesh.yaml'), meshText);
  const run = runCli(['build', 'mesh.yaml', '--out', 'out', '--quiet'], { cwd: dir, env: { PATH: process.env.PATH, ...env } });
  expect(run.status, run.stderr).toBe(0);
  return readTree(join(dir, 'out'));
}

function reversedClusters(meshText: string): string {
  const doc = parseDocument(meshText);
  const clusters = doc.getIn(['spec', 'clusters']) as { items: unknown[] };
  clusters.items.reverse();
  return doc.toString();
}

describe.each(EXAMPLES)('example %s', (example) => {
  const meshText = readFileSync(examplePath(example), 'utf8');

  it('renders identical bytes under different TZ, LANG and CDK8S_* settings', () => {
    const [first, ...others] = environments.map((env) => buildCopy(example, meshText, env));
    expect(first.size).toBeGreaterThan(5);
    for (const other of others) expect(other).toEqual(first);
  });

  it('renders identical bytes when the clusters are listed in another order', () => {
    const reordered = reversedClusters(meshText);
    expect(reordered).not.toEqual(meshText);
    const [a, b] = [buildCopy(example, reordered, {}), buildCopy(example, meshText, {})];
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((path) => !a.get(path)?.equals(b.get(path) ?? Buffer.alloc(0))).sort();
    // The one thing mesh.yaml's order decides: helloworld v1 runs in its first cluster, v2 in the next.
    const verificationOnly = /(helloworld-v[12]\.yaml|kustomization\.yaml|\.meshgen-manifest\.json|verify\.sh)$/;
    if (meshText.includes('verification:')) {
      expect(differing.length).toBeGreaterThan(0);
      expect(differing.filter((p) => !verificationOnly.test(p))).toEqual([]);
    } else {
      expect(differing).toEqual([]);
    }
  });
});
