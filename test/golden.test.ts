import { describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { build } from '../src/pipeline.js';
import { EXAMPLES, PHASE_EXAMPLES, REPO, isBuildWorkFile, seedEncryptedFiles, tempDir } from './helpers/fixtures.js';

// Golden trees: every example's public output, committed. The flagship example's golden tree is
// the repo's own out/; the others are under test/golden/<example>/. To accept a deliberate
// change, run `npm run golden:update` (scripts/update-goldens.mjs) and review the diff in git.
//
// The comparison is this file's own (not meshgen's diff): the same set of files, the same
// bytes, the same executable bit (the part of a mode git keeps). Private files
// (<cluster>/secrets/, git-ignored by the generated .gitignore) are never committed, so they
// are left out on both sides.

const FLAGSHIP = 'multi-primary-multi-network';

/** Where an example's golden tree lives, relative to the repo. */
function goldenPath(example: string): string {
  return example === FLAGSHIP ? 'out' : `test/golden/${example}`;
}

const isPrivate = (path: string) => /^[^/]+\/secrets\//.test(path);
/** Under secrets.mode plain the generated .gitignore keeps <cluster>/secrets/ out of git; in sops mode those files are committed. */
const ignoresSecrets = (dir: string) => readFileSync(join(dir, '.gitignore'), 'utf8').split('\n').includes('/*/secrets/');

interface TreeFile {
  bytes: Buffer;
  executable: boolean;
}

/** Every public file under dir: relative POSIX path → bytes and executable bit. */
function publicTree(dir: string): Map<string, TreeFile> {
  const tree = new Map<string, TreeFile>();
  const privateFile = ignoresSecrets(dir) ? isPrivate : () => false;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(dir, full).split(sep).join('/');
    if (path.startsWith('.meshgen-cache.json')) continue; // the stat cache: local to the machine that built, not output
    if (!privateFile(path)) tree.set(path, { bytes: readFileSync(full), executable: (statSync(full).mode & 0o111) !== 0 });
  }
  return tree;
}

/** The first difference between two trees, in path order, as one line; undefined when they are equal. */
function firstDifference(actual: Map<string, TreeFile>, golden: Map<string, TreeFile>): string | undefined {
  const paths = [...new Set([...actual.keys(), ...golden.keys()])].sort();
  for (const path of paths) {
    const a = actual.get(path);
    const g = golden.get(path);
    if (!g) return `${path}: rendered, but not in the golden tree`;
    if (!a) return `${path}: in the golden tree, but not rendered`;
    if (!a.bytes.equals(g.bytes)) return `${path}: content differs (${firstDifferingLine(a.bytes, g.bytes)})`;
    if (a.executable !== g.executable) return `${path}: rendered ${a.executable ? '' : 'not '}executable, golden ${g.executable ? '' : 'not '}executable`;
  }
  return undefined;
}

function firstDifferingLine(a: Buffer, b: Buffer): string {
  const [la, lb] = [a.toString('utf8').split('\n'), b.toString('utf8').split('\n')];
  const n = la.findIndex((line, i) => line !== lb[i]);
  const at = n === -1 ? la.length : n;
  return `line ${at + 1}: rendered ${JSON.stringify(la[at] ?? '<end of file>')}, golden ${JSON.stringify(lb[at] ?? '<end of file>')}`;
}

/**
 * Builds a copy of the example laid out as in the repo (examples/<name>/ and the golden tree's
 * path, under a temporary root), so that every path meshgen writes into its output (the mesh
 * file named in headers, ../pki in the README) reads as in the committed tree, and a build that
 * had to create CA material would create it in the copy, not in examples/.
 */
async function renderExample(example: string): Promise<string> {
  const root = tempDir();
  // not the lock file a build of the example in another test worker may hold right now
  cpSync(join(REPO, 'examples', example), join(root, 'examples', example), { recursive: true, filter: (source) => !isBuildWorkFile(basename(source)) });
  const outDir = join(root, goldenPath(example));
  mkdirSync(join(outDir, '..'), { recursive: true });
  // as in a GitOps repository, the committed encrypted files (secrets.mode sops, sealed-secrets)
  // are in place: a build keeps them byte for byte only when it finds them there
  seedEncryptedFiles(join(REPO, goldenPath(example)), outDir);
  const result = await build({ meshFile: join(root, 'examples', example, 'mesh.yaml'), outDir });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(result.ok).toBe(true);
  return outDir;
}

describe('the golden trees', () => {
  it('there is one for every example in examples/', () => {
    const examples = readdirSync(join(REPO, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect([...EXAMPLES, ...PHASE_EXAMPLES].sort()).toEqual(examples.sort());
  });

  it('the comparison reports a missing file, an extra file, changed bytes and a changed executable bit', () => {
    const file = (text: string, executable = false): TreeFile => ({ bytes: Buffer.from(text), executable });
    const golden = new Map([['a.yaml', file('x: 1\n')], ['verify.sh', file('#!/bin/sh\n', true)]]);
    expect(firstDifference(new Map(golden), golden)).toBeUndefined();
    expect(firstDifference(new Map([['a.yaml', file('x: 1\n')]]), golden)).toBe('verify.sh: in the golden tree, but not rendered');
    expect(firstDifference(new Map([...golden, ['b.yaml', file('')]]), golden)).toBe('b.yaml: rendered, but not in the golden tree');
    expect(firstDifference(new Map([...golden, ['a.yaml', file('x: 2\n')]]), golden)).toBe('a.yaml: content differs (line 1: rendered "x: 2", golden "x: 1")');
    expect(firstDifference(new Map([...golden, ['verify.sh', file('#!/bin/sh\n')]]), golden)).toBe('verify.sh: rendered not executable, golden executable');
  });
});

describe.each([...EXAMPLES, ...PHASE_EXAMPLES])('example %s', (example) => {
  it('renders exactly its golden tree: the same files, bytes and executable bits', async () => {
    const golden = publicTree(join(REPO, goldenPath(example)));
    expect(golden.size, `no golden tree at ${goldenPath(example)}; run npm run golden:update`).toBeGreaterThan(0);
    const rendered = publicTree(await renderExample(example));
    // an object, so that a failure prints the whole line, not a truncated string
    expect({ firstDifference: firstDifference(rendered, golden) }, `rendered tree vs ${goldenPath(example)}`).toEqual({ firstDifference: undefined });
  });
});
