#!/usr/bin/env node
// npm run golden:update: rebuilds every example's golden tree with the built CLI
// (dist/cli.js; the npm script builds it first), then review the change with git diff.
//
//   examples/multi-primary-multi-network  → out/ (the repo's own output, the README's example)
//   examples/<name>                       → test/golden/<name>/
//
// Each example is built with `node dist/cli.js build examples/<name>/mesh.yaml --out <dir>`
// into a scratch root whose examples/ is a link to the repo's, and <dir> sits where the
// golden tree does relative to it, so every path written into the output (the mesh file named
// in headers, ../pki in the README) is the committed one. Only public files are copied:
// <cluster>/secrets/ is git-ignored by the generated .gitignore and never committed. A file
// is rewritten only when its bytes or executable bit differ and a golden file is deleted only
// when the build no longer produces it, so on an unchanged tree this changes nothing.
// Every example is built before any golden tree is touched: a failed build changes nothing.

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';

const REPO = resolve(import.meta.dirname, '..');
const CLI = join(REPO, 'dist', 'cli.js');
const FLAGSHIP = 'multi-primary-multi-network';
/** The rule of the generated .gitignore for private files; checked below, so a change of it is noticed here. */
const PRIVATE_RULE = '/*/secrets/';
const isPrivate = (path) => /^[^/]+\/secrets\//.test(path);

function goldenPath(example) {
  return example === FLAGSHIP ? 'out' : `test/golden/${example}`;
}

/** Every file under dir: relative POSIX path → { bytes, executable }. Missing dir: empty. */
function readTree(dir) {
  const tree = new Map();
  if (!existsSync(dir)) return tree;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    tree.set(relative(dir, full).split(sep).join('/'), { bytes: readFileSync(full), executable: (statSync(full).mode & 0o111) !== 0 });
  }
  return tree;
}

class UpdateError extends Error {}

function fail(message) {
  throw new UpdateError(message);
}

function main() {
  if (!existsSync(CLI)) fail(`${relative(REPO, CLI)} is missing; run npm run build first (npm run golden:update does)`);

  const examples = readdirSync(join(REPO, 'examples'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(REPO, 'examples', e.name, 'mesh.yaml')))
    .map((e) => e.name)
    .sort();

  const scratch = mkdtempSync(join(tmpdir(), 'meshgen-golden-'));
  const examplesLink = join(scratch, 'examples');
  try {
    symlinkSync(join(REPO, 'examples'), examplesLink, 'dir');
    updateFrom(scratch, examples);
  } finally {
    // the link first, so that nothing can reach the repo's examples/ through it
    if (existsSync(examplesLink)) unlinkSync(examplesLink);
    rmSync(scratch, { recursive: true, force: true });
  }
}

function updateFrom(scratch, examples) {
  // 1. build every example
  const built = new Map();
  const privateIn = new Map();
  for (const example of examples) {
    const out = goldenPath(example);
    mkdirSync(dirname(join(scratch, out)), { recursive: true });
    // the committed encrypted files (secrets.mode sops, sealed-secrets; they carry the
    // annotation meshgen.dev/encrypted-from) in place: a build keeps each byte for byte while its
    // plaintext and recipients are unchanged, and re-encrypts it otherwise
    for (const [path, file] of readTree(join(REPO, out))) {
      if (!path.endsWith('.yaml') || !file.bytes.includes('meshgen.dev/encrypted-from')) continue;
      mkdirSync(dirname(join(scratch, out, path)), { recursive: true });
      writeFileSync(join(scratch, out, path), file.bytes);
    }
    const run = spawnSync(process.execPath, [CLI, 'build', `examples/${example}/mesh.yaml`, '--out', out, '--quiet'], { cwd: scratch, encoding: 'utf8' });
    if (run.status !== 0) fail(`building examples/${example} failed (exit ${run.status}):\n${run.stderr}${run.stdout}`);
    // without the stat cache (out/.meshgen-cache.json): local to the machine that built, git-ignored, not output
    const tree = new Map([...readTree(join(scratch, out))].filter(([path]) => !path.startsWith('.meshgen-cache.json')));
    const gitignore = tree.get('.gitignore')?.bytes.toString('utf8') ?? '';
    const ignoresSecrets = gitignore.split('\n').includes(PRIVATE_RULE);
    // secrets.mode sops, sealed-secrets and omit write no plain private file, and say so
    if (!ignoresSecrets && !/^# secrets\.mode is (sops|sealed-secrets|omit|external-secrets)\b/m.test(gitignore)) fail(`examples/${example}: the generated .gitignore no longer has the line ${PRIVATE_RULE}; update this script's idea of a private file`);
    privateIn.set(example, ignoresSecrets ? isPrivate : () => false);
    built.set(example, new Map([...tree].filter(([path]) => !privateIn.get(example)(path))));
  }

  // 2. bring each golden tree in line with its build
  let changed = 0;
  for (const [example, tree] of built) {
    const goldenDir = join(REPO, goldenPath(example));
    const golden = new Map([...readTree(goldenDir)].filter(([path]) => !privateIn.get(example)(path)));
    const written = [];
    const removed = [];
    for (const [path, file] of tree) {
      const old = golden.get(path);
      if (old && old.bytes.equals(file.bytes) && old.executable === file.executable) continue;
      const target = join(goldenDir, ...path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.bytes);
      chmodSync(target, file.executable ? 0o755 : 0o644);
      written.push(path);
    }
    for (const path of golden.keys()) {
      if (tree.has(path)) continue;
      const target = join(goldenDir, ...path.split('/'));
      unlinkSync(target);
      // drop directories left empty, up to the golden tree itself
      for (let dir = dirname(target); dir !== goldenDir && readdirSync(dir).length === 0; dir = dirname(dir)) rmdirSync(dir);
      removed.push(path);
    }
    changed += written.length + removed.length;
    const summary = written.length + removed.length === 0 ? 'unchanged' : `${written.length} written, ${removed.length} removed`;
    console.log(`${goldenPath(example)}: ${summary}`);
    for (const path of written) console.log(`  wrote   ${path}`);
    for (const path of removed) console.log(`  removed ${path}`);
  }
  console.log(changed === 0 ? 'golden trees unchanged' : `${changed} golden file(s) changed; review with git diff`);
}

try {
  main();
} catch (e) {
  if (!(e instanceof UpdateError)) throw e;
  console.error(`golden:update: ${e.message}`);
  process.exitCode = 1;
}
