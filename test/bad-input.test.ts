import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build, UsageError, validate } from '../src/pipeline.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { BAD_CORPUS_DIR, REPO, badCorpusFiles, key, readExpectations } from './helpers/corpus.js';

// The bad-input corpus (test/corpus/bad/): every file holds a realistic mistake and states,
// in its header, exactly which diagnostics meshgen must report and where. A bad file must
// fail the build with exactly those diagnostics, each pointing into the file, sorted by
// position, and must not touch the output directory.

const files = badCorpusFiles();
const SENTINEL = 'keep.txt';
const SENTINEL_BYTES = Buffer.from('written before the build; a failed build must leave this file alone\n', 'utf8');

/** The mesh path as a user would type it from the repo root: relative paths stay relative. */
function meshPath(name: string): string {
  return relative(process.cwd(), join(BAD_CORPUS_DIR, name));
}

const temps: string[] = [];
afterEach(() => {
  while (temps.length) rmSync(temps.pop()!, { recursive: true, force: true });
});

/** A fresh temp dir with out/keep.txt in it; returns the out dir. */
function outDirWithSentinel(): string {
  const root = mkdtempSync(join(tmpdir(), 'meshgen-bad-'));
  temps.push(root);
  const out = join(root, 'out');
  mkdirSync(out);
  writeFileSync(join(out, SENTINEL), SENTINEL_BYTES);
  return out;
}

/** Every entry under dir, dotfiles included, as relative paths. */
function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map((p) => String(p).split('\\').join('/'))
    .sort();
}

function expectOutDirUntouched(out: string): void {
  expect(listTree(out)).toEqual([SENTINEL]);
  expect(readFileSync(join(out, SENTINEL)).equals(SENTINEL_BYTES)).toBe(true);
  // nothing next to out/ either
  expect(readdirSync(join(out, '..'))).toEqual(['out']);
}

function at(d: Diagnostic): string {
  return key({ code: d.code, line: d.position?.line ?? 0, col: d.position?.col ?? 0 });
}

function describeAll(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${d.severity} ${at(d)}: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`).join('\n');
}

describe('bad-input corpus', () => {
  it('has at least 32 files, each declaring at least one expected error', () => {
    expect(files.length).toBeGreaterThanOrEqual(32);
    for (const name of files) {
      expect(readExpectations(join(BAD_CORPUS_DIR, name)).errors.length, name).toBeGreaterThan(0);
    }
  });

  it.each(files)('%s', async (name) => {
    const meshFile = meshPath(name);
    const expected = readExpectations(join(BAD_CORPUS_DIR, name));
    const out = outDirWithSentinel();
    const corpusBefore = listTree(BAD_CORPUS_DIR);

    const result = await build({ meshFile, outDir: out });
    const { diagnostics } = result;
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const warnings = diagnostics.filter((d) => d.severity === 'warning');
    const all = `diagnostics reported:\n${describeAll(diagnostics)}`;

    expect(result.ok, all).toBe(false);

    // exactly the expected errors: same codes at the same places, nothing missing, nothing extra, nothing twice
    expect(errors.map(at).sort(), all).toEqual(expected.errors.map(key).sort());
    if (expected.warnings) expect(warnings.map(at).sort(), all).toEqual(expected.warnings.map(key).sort());

    for (const d of diagnostics) {
      expect(d.file, `${at(d)} names the mesh file as given`).toBe(meshFile);
      expect(d.message.trim(), `${at(d)} has a message`).not.toBe('');
      expect(d.position, `${at(d)} has a position`).toBeDefined();
      expect(d.position!.length, `${at(d)} underlines at least one character`).toBeGreaterThanOrEqual(1);
    }

    // sorted by position
    const positions = diagnostics.map((d) => [d.position?.line ?? 0, d.position?.col ?? 0] as const);
    for (let i = 1; i < positions.length; i++) {
      const [pl, pc] = positions[i - 1];
      const [l, c] = positions[i];
      expect(pl < l || (pl === l && pc <= c), `diagnostic ${i} is out of order\n${all}`).toBe(true);
    }

    for (const hint of expected.hints) {
      expect(
        errors.some((d) => d.hint?.includes(hint)),
        `some error's hint contains ${JSON.stringify(hint)}\n${all}`,
      ).toBe(true);
    }

    // `meshgen validate` reports the same problems as `meshgen build`
    expect(validate({ meshFile }).diagnostics.map(at), all).toEqual(diagnostics.map(at));

    // nothing written, nothing lost: neither in out/ nor next to the mesh file (e.g. pki/)
    expectOutDirUntouched(out);
    expect(listTree(BAD_CORPUS_DIR)).toEqual(corpusBefore);
  });

  it('a missing mesh file is a usage error, not a diagnostic', async () => {
    const out = outDirWithSentinel();
    const missing = meshPath('no-such-mesh.yaml');
    await expect(build({ meshFile: missing, outDir: out })).rejects.toBeInstanceOf(UsageError);
    expectOutDirUntouched(out);
  });
});

describe('bad input through the CLI', () => {
  const cli = join(REPO, 'dist', 'cli.js');

  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: build it first (npm run build)`);
  });

  function run(args: string[]) {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  // one schema-stage file and one semantics-stage file
  it.each(['26-enum-role-primray.yaml', '39-network-not-declared.yaml'])('meshgen build %s exits 1 with positioned errors', (name) => {
    const meshFile = relative(REPO, join(BAD_CORPUS_DIR, name));
    const expected = readExpectations(join(BAD_CORPUS_DIR, name));
    const out = outDirWithSentinel();

    const r = run(['build', meshFile, '--out', out]);

    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    for (const e of expected.errors) {
      expect(r.stderr).toContain(`${meshFile}:${e.line}:${e.col}: error ${e.code}:`);
    }
    const lines = r.stderr.split('\n');
    expect(lines.some((l) => /^\s*\d+ \| /.test(l)), `a code frame source line in:\n${r.stderr}`).toBe(true);
    expect(lines.some((l) => /^\s+\| *\^+\s*$/.test(l)), `a caret line in:\n${r.stderr}`).toBe(true);
    expect(lines.filter((l) => /^ {4}at /.test(l)), 'no stack trace').toEqual([]);
    expect(r.stderr).not.toMatch(/internal error/);
    expectOutDirUntouched(out);
  });

  it('meshgen build with a missing mesh file exits 2', () => {
    const out = outDirWithSentinel();
    const r = run(['build', 'test/corpus/bad/no-such-mesh.yaml', '--out', out]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('no-such-mesh.yaml');
    expect(r.stderr.split('\n').filter((l) => /^ {4}at /.test(l)), 'no stack trace').toEqual([]);
    expect(r.stdout).toBe('');
    expectOutDirUntouched(out);
  });
});
