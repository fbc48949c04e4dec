import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { readTree } from './helpers/fixtures.js';
import { MEMORY_REPO, memoryHostWith } from './helpers/memory.js';
import { workspace } from './helpers/workspace.js';

// The stat cache (src/emit/stat-cache.ts): out/.meshgen-cache.json records, for each file a
// build wrote or verified, its lstat and the SHA-256 of its bytes; a later build trusts a file
// whose lstat is exactly the recorded one, instead of reading it. It is an optimisation only:
// whatever it holds, a build's result is the one it would be without it.

const CACHE = '.meshgen-cache.json';
const EXAMPLE = 'examples/multi-primary-multi-network';
const MEMORY_MESH = join(MEMORY_REPO, EXAMPLE, 'mesh.yaml');
const MEMORY_OUT = join(MEMORY_REPO, EXAMPLE, 'out');
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000); // the example's CA must be valid at it
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

/** A memory host with nanosecond stats, its clock at T0, and the paths under out/ it is asked to read. */
function memoryWorkspace() {
  const host = memoryHostWith([EXAMPLE], { now: T0, exactStat: true });
  const reads: string[] = [];
  const readFileNoFollow = host.readFileNoFollow.bind(host);
  host.readFileNoFollow = (path: string) => {
    if (path.startsWith(`${MEMORY_OUT}/`)) reads.push(path.slice(MEMORY_OUT.length + 1));
    return readFileNoFollow(path);
  };
  return { host, reads };
}

/** The cache file's records on disk: path → [size, mtimeNs, ctimeNs, ino, hash]. */
function cacheRecords(out: string): Map<string, [number, string, string, string, string]> {
  const value = JSON.parse(readFileSync(join(out, CACHE), 'utf8')) as { files: [string, number, string, string, string, string][] };
  return new Map(value.files.map(([path, ...record]) => [path, record]));
}

describe('the stat cache, in memory', () => {
  it('a rebuild reads no output file whose stat matches a record older than the cache, only the manifest', async () => {
    const { host, reads } = memoryWorkspace();
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT }, host)).ok).toBe(true);
    // written in the same clock tick as the cache: racily clean, so the cache is rebuilt from reads once
    host.unlink(join(MEMORY_OUT, CACHE));
    host.setNow(later(1));
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT }, host)).ok).toBe(true);
    expect(reads.length).toBeGreaterThan(40); // without a cache, every file is read
    reads.length = 0;
    host.setNow(later(2));
    const third = await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT }, host);
    expect(third.diff?.changes.filter((c) => c.kind !== 'unchanged')).toEqual([]);
    expect(reads.sort()).toEqual([CACHE, '.meshgen-manifest.json']);
  });

  it('a record whose mtime is not older than the cache is read: an edit in the same clock tick, same size, is found', async () => {
    const { host, reads } = memoryWorkspace();
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT }, host)).ok).toBe(true);
    // the clock has not moved: the edit has the size, mtime, ctime and inode the cache recorded
    const readme = join(MEMORY_OUT, 'README.md');
    const before = host.lstatExact!(readme)!;
    host.writeFile(readme, host.readFile(readme).replace('meshgen', 'MESHGEN'), { mode: 0o644 });
    const after = host.lstatExact!(readme)!;
    expect([after.size, after.mtimeNs, after.ctimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ctimeNs, before.ino]);
    reads.length = 0;
    const check = await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT, check: true }, host);
    expect(reads).toContain('README.md');
    expect(check.diff?.changes.filter((c) => c.kind !== 'unchanged').map((c) => `${c.kind} ${c.path}`)).toEqual(['changed README.md']);
  });

  it('a cache written for another out/ path is not used: its records are not trusted', async () => {
    const { host, reads } = memoryWorkspace();
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT }, host)).ok).toBe(true);
    host.unlink(join(MEMORY_OUT, CACHE));
    host.setNow(later(1));
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT }, host)).ok).toBe(true);
    const cache = host.readFile(join(MEMORY_OUT, CACHE));
    host.writeFile(join(MEMORY_OUT, CACHE), cache.replace(`"out":${JSON.stringify(MEMORY_OUT)}`, '"out":"/elsewhere/out"'), { mode: 0o600 });
    host.setNow(later(2));
    reads.length = 0;
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT, check: true }, host)).ok).toBe(true);
    expect(reads).toContain('README.md');
  });

  it('a cache of another meshgen version is not used', async () => {
    const { host, reads } = memoryWorkspace();
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT, meshgenVersion: '1.0.0' }, host)).ok).toBe(true);
    host.unlink(join(MEMORY_OUT, CACHE));
    host.setNow(later(1));
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT, meshgenVersion: '1.0.0' }, host)).ok).toBe(true);
    host.setNow(later(2));
    reads.length = 0;
    expect((await build({ meshFile: MEMORY_MESH, outDir: MEMORY_OUT, meshgenVersion: '1.0.1', check: true }, host)).ok).toBe(true);
    expect(reads).toContain('README.md');
  });
});

describe('the stat cache, on disk', () => {
  it('is out/.meshgen-cache.json, 0600, git-ignored by out/.gitignore, and not in the manifest', async () => {
    const ws = workspace();
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    expect(statSync(join(ws.out, CACHE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(ws.out, '.gitignore'), 'utf8').split('\n')).toContain(`/${CACHE}*`);
    expect(readFileSync(join(ws.out, '.meshgen-manifest.json'), 'utf8')).not.toContain(CACHE);
  });

  it('is ignored by git: git add -A in out/ stages every file but the cache', async () => {
    const ws = workspace();
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    const git = (...args: string[]) => spawnSync('git', args, { cwd: ws.out, encoding: 'utf8' });
    if (git('--version').status !== 0) return; // no git on this machine: the line in .gitignore is checked above
    git('init', '-q');
    git('add', '-A');
    const staged = git('diff', '--cached', '--name-only').stdout.split('\n');
    expect(staged).toContain('README.md'); // the negative control: files are staged
    expect(staged).not.toContain(CACHE);
  });

  it('an edit of the same size whose mtime is restored to the nanosecond is found (its ctime moved)', async () => {
    const ws = workspace();
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    // a cache written after every file, so that none of them is racily clean
    await new Promise((resolve) => setTimeout(resolve, 20));
    unlinkSync(join(ws.out, CACHE));
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    const path = join(ws.out, 'east/kustomization.yaml');
    const record = cacheRecords(ws.out).get('east/kustomization.yaml')!;
    expect(BigInt(record[1])).toBeLessThan(lstatSync(join(ws.out, CACHE), { bigint: true }).mtimeNs);
    const before = lstatSync(path, { bigint: true });
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('resources:', 'RESOURCES:'));
    const ns = before.mtimeNs;
    expect(spawnSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, path]).status).toBe(0);
    const after = lstatSync(path, { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    const check = await build({ meshFile: ws.mesh, outDir: ws.out, check: true });
    expect(check.diff?.changes.filter((c) => c.kind !== 'unchanged').map((c) => `${c.kind} ${c.path}`)).toEqual(['changed east/kustomization.yaml']);
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a file replaced by a symlink to the same bytes is refused (MG4004), as without a cache', async () => {
    const ws = workspace();
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    const path = join(ws.out, 'east/kustomization.yaml');
    const copy = join(ws.dir, 'elsewhere.yaml');
    writeFileSync(copy, readFileSync(path));
    unlinkSync(path);
    symlinkSync(copy, path);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['MG4004']);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
  });

  it('deleting it, or replacing it with something that is not a cache, changes nothing in out/', async () => {
    const ws = workspace();
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    const tree = readTree(ws.out);
    for (const damage of [() => rmSync(join(ws.out, CACHE)), () => writeFileSync(join(ws.out, CACHE), '{"generator":"meshgen","statCache":1,"files":[["README.md",1,"x"]]}'), () => writeFileSync(join(ws.out, CACHE), 'not json')]) {
      damage();
      const result = await build({ meshFile: ws.mesh, outDir: ws.out });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(result.diff?.changes.filter((c) => c.kind !== 'unchanged')).toEqual([]);
      expect(readTree(ws.out)).toEqual(tree);
      expect(cacheRecords(ws.out).has('README.md')).toBe(true); // written anew
    }
    expect(existsSync(join(ws.out, `${CACHE}.tmp`))).toBe(false);
  });
});
