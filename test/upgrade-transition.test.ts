import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildResult } from '../src/pipeline.js';
import { MEMORY_REPO, memoryHostWith } from './helpers/memory.js';
import { REPO } from './helpers/fixtures.js';

// A canary upgrade's phase change is checked against the phase the last build recorded in
// out/.meshgen-manifest.json (src/plan/upgrade-transition.ts). Each test builds
// examples/canary-upgrade-1-canary's mesh into an out/ tree in memory at one state, then
// changes mesh.yaml and builds again into the same out/.

const MESH = join(MEMORY_REPO, 'examples/canary-upgrade-1-canary/mesh.yaml');
const OUT = join(MEMORY_REPO, 'examples/canary-upgrade-1-canary/out');

/** The example's istio block, at the state given: no upgrade, or an upgrade at a phase. */
function istio(state: { version?: string; revision?: string; upgrade?: { phase: string; version?: string; revision?: string } }): string {
  const lines = ['  istio:', `    version: "${state.version ?? '1.29.6'}"`];
  if (state.revision) lines.push(`    revision: ${state.revision}`);
  if (state.upgrade) lines.push('    upgrade:', `      revision: ${state.upgrade.revision ?? '1-30-3'}`, `      version: "${state.upgrade.version ?? '1.30.3'}"`, `      phase: ${state.upgrade.phase}`);
  return lines.join('\n') + '\n';
}

type State = Parameters<typeof istio>[0];

function withState(original: string, state: State): string {
  return original.replace(/ {2}istio:\n(?: {4}.*\n)+/, istio(state));
}

/** Builds each state in turn into the same out/; returns each build's result. */
async function buildStates(...states: State[]): Promise<Array<BuildResult & { outBefore: Map<string, string>; outAfter: Map<string, string> }>> {
  const host = memoryHostWith(['examples/canary-upgrade-1-canary']);
  const original = host.readFile(MESH);
  const results: Array<BuildResult & { outBefore: Map<string, string>; outAfter: Map<string, string> }> = [];
  for (const state of states) {
    host.writeFile(MESH, withState(original, state), { mode: 0o644 });
    const outBefore = host.files(OUT);
    results.push({ ...(await build({ meshFile: MESH, outDir: OUT }, host)), outBefore, outAfter: host.files(OUT) });
  }
  return results;
}

/**
 * The line of `key` in the istio block of the mesh file written for `state` (`upgrade.` keys
 * inside the upgrade block), counted in the example's own text: what a diagnostic must point at.
 */
function lineOf(state: State, key: string): number {
  const lines = withState(readFileSync(join(REPO, 'examples/canary-upgrade-1-canary/mesh.yaml'), 'utf8'), state).split('\n');
  const istioAt = lines.indexOf('  istio:');
  const [block, name] = key.startsWith('upgrade.') ? ['      ', key.slice('upgrade.'.length)] : ['    ', key];
  const index = lines.findIndex((l, i) => i > istioAt && l.startsWith(`${block}${name}:`));
  if (index < 0) throw new Error(`no ${key} in the mesh`);
  return index + 1;
}

const errors = (r: BuildResult) => r.diagnostics.filter((d) => d.severity === 'error');
const codesAt = (r: BuildResult) => errors(r).map((d) => [d.code, d.position?.line]);

const NONE: State = {};
const CANARY: State = { upgrade: { phase: 'canary' } };
const MIGRATE: State = { upgrade: { phase: 'migrate' } };
const FINALIZE: State = { upgrade: { phase: 'finalize' } };
/** the mesh once the upgrade to 1.30.3 is over */
const DONE: State = { version: '1.30.3', revision: '1-30-3' };

describe('canary upgrade phases: the allowed steps', () => {
  it('no upgrade → canary → migrate → finalize → done, each one step, builds', async () => {
    const results = await buildStates(NONE, CANARY, MIGRATE, FINALIZE, DONE);
    for (const r of results) expect(errors(r)).toEqual([]);
  });

  it('rolls back one phase at a time: migrate → canary → no upgrade', async () => {
    const results = await buildStates(CANARY, MIGRATE, CANARY, NONE);
    for (const r of results) expect(errors(r)).toEqual([]);
  });

  it('rolls back finalize to migrate', async () => {
    const [, , , back] = await buildStates(CANARY, MIGRATE, FINALIZE, MIGRATE);
    expect(errors(back)).toEqual([]);
  });

  it('checks nothing on a first build into an empty out/ (no manifest)', async () => {
    const [first] = await buildStates(MIGRATE);
    expect(errors(first)).toEqual([]);
  });
});

describe('canary upgrade phases: the refusals (MG2810-MG2812), nothing written', () => {
  it('no upgrade → migrate skips canary: MG2810 at upgrade.phase, naming canary', async () => {
    const [, next] = await buildStates(NONE, MIGRATE);
    expect(errors(next).map((d) => d.code)).toEqual(['MG2810']);
    expect(errors(next)[0].position?.line).toBe(lineOf(MIGRATE, 'upgrade.phase'));
    expect(errors(next)[0].hint).toContain('phase: canary first');
    expect(next.ok).toBe(false);
    expect(next.outBefore.size).toBeGreaterThan(0);
    expect(next.outAfter).toEqual(next.outBefore);
  });

  it('canary → finalize skips migrate: MG2810, naming migrate', async () => {
    const [, next] = await buildStates(CANARY, FINALIZE);
    expect(codesAt(next)).toEqual([['MG2810', lineOf(FINALIZE, 'upgrade.phase')]]);
    expect(errors(next)[0].hint).toContain('phase migrate first');
  });

  it('finalize → canary goes back two steps: MG2810, naming migrate', async () => {
    const [, , , next] = await buildStates(CANARY, MIGRATE, FINALIZE, CANARY);
    expect(codesAt(next)).toEqual([['MG2810', lineOf(CANARY, 'upgrade.phase')]]);
    expect(errors(next)[0].hint).toContain('phase migrate first');
  });

  it('removing the upgrade at migrate: MG2810 at istio.version', async () => {
    const [, , next] = await buildStates(CANARY, MIGRATE, NONE);
    expect(codesAt(next)).toEqual([['MG2810', lineOf(NONE, 'version')]]);
    expect(errors(next)[0].hint).toContain('finalize first');
  });

  it('removing the upgrade after finalize without moving istio.version/revision: MG2810 naming the target', async () => {
    const [, , , next] = await buildStates(CANARY, MIGRATE, FINALIZE, NONE);
    expect(codesAt(next)).toEqual([['MG2810', lineOf(NONE, 'version')]]);
    expect(errors(next)[0].hint).toBe('set istio.version: "1.30.3" and istio.revision: 1-30-3 in the same change');
  });

  it('changing upgrade.version mid-way: MG2811 at upgrade.version', async () => {
    const changed: State = { upgrade: { phase: 'migrate', version: '1.30.2' } };
    const [, next] = await buildStates(CANARY, changed);
    expect(codesAt(next)).toEqual([['MG2811', lineOf(changed, 'upgrade.version')]]);
  });

  it('changing upgrade.revision mid-way: MG2811 at upgrade.revision', async () => {
    const changed: State = { upgrade: { phase: 'canary', revision: '1-30-x' } };
    const [, next] = await buildStates(CANARY, changed);
    expect(codesAt(next)).toEqual([['MG2811', lineOf(changed, 'upgrade.revision')]]);
  });

  it('changing istio.version mid-way: MG2812 at istio.version', async () => {
    const changed: State = { version: '1.29.5', upgrade: { phase: 'migrate' } };
    const [, next] = await buildStates(CANARY, changed);
    expect(codesAt(next)).toEqual([['MG2812', lineOf(changed, 'version')]]);
  });
});

describe('the next upgrade, after finalize', () => {
  it('after done, the control plane keeps its Helm release istiod-1-30-3: nothing uninstalls it', async () => {
    const host = memoryHostWith(['examples/canary-upgrade-1-canary']);
    const original = host.readFile(MESH);
    const releasesOf = (out: string) => host.readFile(join(out, '.meshgen-manifest.json'));
    host.writeFile(MESH, withState(original, FINALIZE), { mode: 0o644 });
    expect(errors(await build({ meshFile: MESH, outDir: OUT }, host))).toEqual([]);
    const finalized = JSON.parse(releasesOf(OUT)).review.clusters.primary1.releases.map((r: any) => r.release);
    host.writeFile(MESH, withState(original, DONE), { mode: 0o644 });
    expect(errors(await build({ meshFile: MESH, outDir: OUT }, host))).toEqual([]);
    const done = JSON.parse(releasesOf(OUT)).review.clusters.primary1.releases;
    expect(finalized).toEqual(['istio-base', 'istiod-1-30-3', 'istio-eastwestgateway', 'istio-ingressgateway']);
    expect(done.map((r: any) => r.release)).toEqual(finalized);
    expect(done.find((r: any) => r.release === 'istiod-1-30-3')).toEqual({ release: 'istiod-1-30-3', chart: 'istiod', version: '1.30.3', revision: '1-30-3' });
    expect(host.readFile(join(OUT, 'primary1/helm/istiod-1-30-3.values.yaml'))).toMatch(/^revision: 1-30-3$/m);
  });

  it('a new upgrade block then starts a fresh canary: the old side is istiod-1-30-3, the new one beside it', async () => {
    const next = { version: '1.30.3', revision: '1-30-3', upgrade: { phase: 'canary', version: '1.31.0', revision: '1-31-0' } };
    const host = memoryHostWith(['examples/canary-upgrade-1-canary']);
    const original = host.readFile(MESH);
    for (const state of [CANARY, MIGRATE, FINALIZE, DONE, next]) {
      host.writeFile(MESH, withState(original, state), { mode: 0o644 });
      const result = await build({ meshFile: MESH, outDir: OUT }, host);
      expect(errors(result), JSON.stringify(state)).toEqual([]);
    }
    const releases = JSON.parse(host.readFile(join(OUT, '.meshgen-manifest.json'))).review.clusters.primary1.releases.filter((r: any) => r.chart === 'istiod');
    expect(releases).toEqual([
      { release: 'istiod-1-30-3', chart: 'istiod', version: '1.30.3', revision: '1-30-3', tags: ['prod-stable'] },
      { release: 'istiod-1-31-0', chart: 'istiod', version: '1.31.0', revision: '1-31-0', tags: ['prod-canary'] },
    ]);
  });

  it('a new upgrade may start from finalize at once, when istio.version/revision move to its target in the same change', async () => {
    const results = await buildStates(CANARY, MIGRATE, FINALIZE, { version: '1.30.3', revision: '1-30-3', upgrade: { phase: 'canary', version: '1.31.0', revision: '1-31-0' } });
    for (const r of results) expect(errors(r)).toEqual([]);
  });

  it('but not at migrate: MG2810', async () => {
    const [, , , , next] = await buildStates(CANARY, MIGRATE, FINALIZE, DONE, { version: '1.30.3', revision: '1-30-3', upgrade: { phase: 'migrate', version: '1.31.0', revision: '1-31-0' } });
    expect(errors(next).map((d) => d.code)).toEqual(['MG2810']);
  });
});

describe('a revisioned istiod built by an older meshgen as the release istiod', () => {
  const REVISIONED: State = { revision: '1-29' };

  it('a rebuild of a tree whose manifest names istiod-1-29 warns of nothing', async () => {
    const [, again] = await buildStates(REVISIONED, REVISIONED);
    expect(again.diagnostics.filter((d) => d.code === 'W2810')).toEqual([]);
  });

  it('a tree whose manifest records the release istiod with that revision: W2810 at istio.revision', async () => {
    const host = memoryHostWith(['examples/canary-upgrade-1-canary']);
    const original = host.readFile(MESH);
    host.writeFile(MESH, withState(original, REVISIONED), { mode: 0o644 });
    expect(errors(await build({ meshFile: MESH, outDir: OUT }, host))).toEqual([]);
    // as the older meshgen recorded it: the same facts, the release named istiod
    const manifest = join(OUT, '.meshgen-manifest.json');
    host.writeFile(manifest, host.readFile(manifest).replace(/"release": "istiod-1-29"/g, '"release": "istiod"'), { mode: 0o644 });
    const result = await build({ meshFile: MESH, outDir: OUT }, host);
    const warned = result.diagnostics.filter((d) => d.code === 'W2810');
    expect(warned.map((d) => d.position?.line)).toEqual([lineOf(REVISIONED, 'revision')]);
    expect(warned[0].hint).toContain('helm uninstall istiod');
  });
});
