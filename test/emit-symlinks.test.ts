import { describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from '../src/pipeline.js';
import { copyWorkspace, cli, workspace, type Workspace } from './helpers/workspace.js';
import { snapshot } from './helpers/snapshot.js';
import { runCli, tempDir } from './helpers/fixtures.js';

// Issue #12, items 1-4, and the untrusted checkout: meshgen never follows a symlink in the
// directories it owns (out/, pki/). A link where it would read, write or prune is MG4004,
// naming the link, and the run reads, prints, writes and deletes nothing through it.

async function built(): Promise<Workspace> {
  const ws = workspace();
  const first = await build({ meshFile: ws.mesh, outDir: ws.out });
  expect(first.ok, JSON.stringify(first.diagnostics)).toBe(true);
  return ws;
}

function addToManifest(ws: Workspace, ...paths: string[]): void {
  const file = join(ws.out, '.meshgen-manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8'));
  manifest.files.push(...paths);
  writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
}

const ROOT_KEY_LINE = (ws: Workspace) => readFileSync(join(ws.pki, 'root-key.pem'), 'utf8').split('\n')[5];

describe('pruning and --check never follow a symlinked directory (item 1)', () => {
  it('--check refuses out/up -> .. with a manifest entry up/pki/root-key.pem, and never prints the root key', async () => {
    const ws = await built();
    symlinkSync('..', join(ws.out, 'up'));
    addToManifest(ws, 'up/pki/root-key.pem');
    const run = await cli(['build', ws.mesh, '--out', ws.out, '--check']);
    expect(run.output).not.toContain(ROOT_KEY_LINE(ws));
    expect(run.output).not.toContain('root-key.pem');
    expect(run.status).toBe(1);
    expect(run.output).toContain(`error MG4004: ${ws.out}/up is a symbolic link`);
  });

  it('build refuses out/up -> .. with a manifest entry up/pki/root-key.pem, and the root key stays', async () => {
    const ws = await built();
    const key = readFileSync(join(ws.pki, 'root-key.pem'), 'utf8');
    symlinkSync('..', join(ws.out, 'up'));
    addToManifest(ws, 'up/pki/root-key.pem');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(existsSync(join(ws.pki, 'root-key.pem')) && readFileSync(join(ws.pki, 'root-key.pem'), 'utf8')).toBe(key);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toContain(`MG4004 ${ws.out}/up is a symbolic link: meshgen never reads, writes or deletes through a link in ${ws.out}`);
  });

  it('build refuses an absolute symlinked directory in a manifest entry, and the file outside out/ stays', async () => {
    const ws = await built();
    const outside = tempDir();
    writeFileSync(join(outside, 'victim.txt'), 'keep me\n');
    symlinkSync(outside, join(ws.out, 'elsewhere'));
    addToManifest(ws, 'elsewhere/victim.txt');
    const before = snapshot(outside);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(snapshot(outside)).toEqual(before);
    expect(result.diagnostics.map((d) => d.code)).toContain('MG4004');
  });
});

describe('--check never prints what a public file links to (item 2)', () => {
  it('a values file replaced by a link to /proc/self/environ: refused, the environment is not printed', async () => {
    const ws = await built();
    const file = join(ws.out, 'east/helm/istiod.values.yaml');
    unlinkSync(file);
    symlinkSync('/proc/self/environ', file);
    // a real process: /proc/self/environ is the environment it started with
    const run = runCli(['build', ws.mesh, '--out', ws.out, '--check'], { env: { ...process.env, MESHGEN_TEST_PLANTED: 'planted-environment-secret-5b1f' } });
    expect(run.stdout + run.stderr).not.toContain('planted-environment-secret-5b1f');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error MG4004: ${ws.out}/east/helm/istiod.values.yaml is a symbolic link`);
  });

  it('a values file replaced by a link to ../../../pki/root-key.pem: refused, the key is not printed', async () => {
    const ws = await built();
    const file = join(ws.out, 'east/helm/istiod.values.yaml');
    unlinkSync(file);
    symlinkSync('../../../pki/root-key.pem', file);
    const run = await cli(['build', ws.mesh, '--out', ws.out, '--check']);
    expect(run.output).not.toContain(ROOT_KEY_LINE(ws));
    expect(run.output).not.toContain('PRIVATE KEY');
    expect(run.status).toBe(1);
    expect(run.output).toContain('MG4004');
  });
});

describe('builds never write or prune through a symlinked cluster directory (item 3)', () => {
  it('out/east -> a directory outside: the build is refused and the files there are untouched', async () => {
    const ws = await built();
    const outside = join(tempDir(), 'outside');
    cpSync(join(ws.out, 'east'), join(outside, 'east'), { recursive: true });
    rmSync(join(ws.out, 'east'), { recursive: true });
    symlinkSync(join(outside, 'east'), join(ws.out, 'east'));
    appendFileSync(join(outside, 'east/helm/istiod.values.yaml'), '# edited outside\n'); // something a build would rewrite
    const before = snapshot(outside);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(snapshot(outside)).toEqual(before);
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.code === 'MG4004').map((d) => d.message)).toEqual([`${ws.out}/east is a symbolic link: meshgen never reads, writes or deletes through a link in ${ws.out}`]);
  });

  it('out/east -> a relative directory outside, then the cluster is renamed: nothing there is pruned', async () => {
    const ws = await built();
    mkdirSync(join(ws.dir, 'outside'));
    renameSync(join(ws.out, 'east'), join(ws.dir, 'outside/east'));
    symlinkSync('../outside/east', join(ws.out, 'east'));
    const before = snapshot(join(ws.dir, 'outside'));
    writeFileSync(ws.mesh, readFileSync(ws.mesh, 'utf8').replace('name: east', 'name: north'));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(snapshot(join(ws.dir, 'outside'))).toEqual(before);
    expect(result.diagnostics.map((d) => d.code)).toContain('MG4004');
  });
});

describe('temporary files are created exclusively, never through a planted link (item 4)', () => {
  it('a link planted at the old predictable temp name <target>.meshgen-tmp-<pid> receives nothing', async () => {
    const ws = await built();
    const victim = join(tempDir(), 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    unlinkSync(join(ws.out, 'east/secrets/cacerts.yaml')); // so the build writes it again
    symlinkSync(victim, join(ws.out, `east/secrets/cacerts.yaml.meshgen-tmp-${process.pid}`));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(statSync(join(ws.out, 'east/secrets/cacerts.yaml')).isFile()).toBe(true);
  });

  it('a link planted as out/.meshgen-staging is refused, and nothing is written through it', async () => {
    const ws = await built();
    const outside = tempDir();
    symlinkSync(outside, join(ws.out, '.meshgen-staging'));
    unlinkSync(join(ws.out, 'east/secrets/cacerts.yaml'));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.diagnostics.map((d) => `${d.code} ${d.message.split(':')[0]}`)).toContain(`MG4004 ${ws.out}/.meshgen-staging is a symbolic link`);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('links planted inside a leftover staging directory are removed as links, never written through', async () => {
    const ws = await built();
    const victim = join(tempDir(), 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    mkdirSync(join(ws.out, '.meshgen-staging'));
    for (const name of ['1', '2', '3', 'journal']) symlinkSync(victim, join(ws.out, '.meshgen-staging', name));
    unlinkSync(join(ws.out, 'east/secrets/cacerts.yaml'));
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok, JSON.stringify(result.diagnostics)).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    expect(existsSync(join(ws.out, '.meshgen-staging'))).toBe(false);
  });
});

describe('a special file where meshgen reads one', () => {
  it('a FIFO in place of a values file: --check and build refuse it without waiting on it', async () => {
    const ws = await built();
    const file = join(ws.out, 'east/helm/istiod.values.yaml');
    unlinkSync(file);
    expect(spawnSync('mkfifo', [file]).status).toBe(0);
    for (const args of [['--check'], []]) {
      const run = await cli(['build', ws.mesh, '--out', ws.out, ...args]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`error MG4002: ${file} is in the way: meshgen writes a file there`);
    }
  }, 10_000);
});

// --- the untrusted checkout ---------------------------------------------------------------------

const SECRET = 'PLANTED-SECRET-7d3e9a';

/**
 * Every place under out/ and pki/ where meshgen reads, writes or prunes, and how to plant a
 * link there: to a file outside holding SECRET, or to a copy (outside) of the directory it
 * replaces, every file of which has SECRET appended.
 */
const PLACES: { place: string; kind: 'file' | 'dir'; manifest?: string; target?: string }[] = [
  { place: 'out', kind: 'dir' },
  { place: 'out/east', kind: 'dir' },
  { place: 'out/east/helm', kind: 'dir' },
  { place: 'out/east/manifests', kind: 'dir' },
  { place: 'out/east/certs', kind: 'dir' },
  { place: 'out/east/secrets', kind: 'dir' },
  { place: 'out/argocd', kind: 'dir' },
  { place: 'out/flux/west', kind: 'dir' },
  { place: 'out/east/helm/istiod.values.yaml', kind: 'file' },
  { place: 'out/east/kustomization.yaml', kind: 'file' },
  { place: 'out/east/certs/root-cert.pem', kind: 'file' },
  { place: 'out/east/secrets/cacerts.yaml', kind: 'file' },
  { place: 'out/README.md', kind: 'file' },
  { place: 'out/.gitignore', kind: 'file' },
  { place: 'out/.meshgen-manifest.json', kind: 'file' },
  { place: 'out/.meshgen-journal.json', kind: 'file' },
  { place: 'out/.meshgen-staging', kind: 'dir' },
  { place: 'out/up', kind: 'dir', target: '..', manifest: 'up/pki/root-key.pem' },
  { place: 'out/gone', kind: 'dir', manifest: 'gone/east/helm/istiod.values.yaml' },
  { place: 'out/old.yaml', kind: 'file', manifest: 'old.yaml' },
  { place: 'pki', kind: 'dir' },
  { place: 'pki/root-key.pem', kind: 'file' },
  { place: 'pki/root-cert.pem', kind: 'file' },
  { place: 'pki/east', kind: 'dir' },
  { place: 'pki/west/ca-key.pem', kind: 'file' },
  { place: 'pki/west/cert-chain.pem', kind: 'file' },
  { place: 'pki/.meshgen-staging', kind: 'dir' },
  { place: 'pki/.meshgen-commit', kind: 'dir' },
];

function plant(ws: Workspace, outside: string, spec: (typeof PLACES)[number]): void {
  const path = join(ws.dir, spec.place);
  if (spec.manifest) addToManifest(ws, spec.manifest);
  if (spec.target) return symlinkSync(spec.target, path);
  if (spec.kind === 'file') {
    rmSync(path, { force: true });
    return symlinkSync(join(outside, 'secret.txt'), path);
  }
  const copy = join(outside, spec.place.replaceAll('/', '_'));
  if (existsSync(path)) cpSync(path, copy, { recursive: true });
  else cpSync(ws.out, copy, { recursive: true });
  appendSecret(copy);
  rmSync(path, { recursive: true, force: true });
  symlinkSync(copy, path);
}

function appendSecret(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) appendSecret(path);
    else appendFileSync(path, `\n# ${SECRET}\n`);
  }
}

describe('an untrusted checkout: links planted everywhere meshgen reads, writes or prunes', () => {
  it.each(PLACES.map((p) => [p.place, p] as const))('a link at %s: build and --check refuse it, and nothing outside changes or is printed', async (_, spec) => {
    const template = await templateWorkspace();
    const ws = copyWorkspace(template);
    const outside = join(tempDir(), 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n-----BEGIN PRIVATE KEY-----\n${SECRET}\n`);
    plant(ws, outside, spec);
    const outsideBefore = snapshot(outside);
    const workspaceBefore = snapshot(ws.dir);

    for (const args of [['--check'], []]) {
      const run = await cli(['build', ws.mesh, '--out', ws.out, ...args]);
      expect(run.output).not.toContain(SECRET);
      expect(run.output).not.toContain('PRIVATE KEY');
      expect(snapshot(outside)).toEqual(outsideBefore);
      expect(snapshot(ws.dir)).toEqual(workspaceBefore);
      expect(run.status, run.output).toBe(1);
      expect(run.output).toContain('MG4004');
      expect(run.output).toContain(`${join(ws.dir, spec.place)} is a symbolic link`);
    }
  });
});

let template: Promise<Workspace> | undefined;
function templateWorkspace(): Promise<Workspace> {
  template ??= built();
  return template;
}
