import { describe, expect, it } from 'vitest';
import { build } from '../src/pipeline.js';
import type { Host } from '../src/host/host.js';
import { cli, workspace } from './helpers/workspace.js';
import { ignoreKilled, killedDisk } from './helpers/killed-disk.js';
import type { MemoryHost } from '../src/host/memory-host.js';
import { Killed, MESH, OUT, PKI, WS, crashingHost, memoryWorkspace, meshText } from './helpers/memory-workspace.js';

// Issue #12, item 5: a build killed at any point leaves out/ (and pki/) so that the next
// `build --check` sees the previous tree or the new one, never a mix, and the next build
// finishes the job, byte for byte, with no debris. In memory, the build is killed before
// each of its changes to the filesystem in turn, every one of them: a kill cannot land
// anywhere else that matters (between two changes, the filesystem is the same).

// from A to B: west's files pruned, north's added, one of east's values files pruned, mesh files changed
const A = meshText(['east', 'west']).replace('name: east, network: net-0,', 'name: east, network: net-0, ingressGateway: { enabled: true },');
const B = meshText(['east', 'north']);

interface Scenario {
  name: string;
  /** the workspace before the build that is killed */
  before(): Promise<MemoryHost>;
}

/** A workspace built from `first`, whose mesh.yaml then says `then`. */
async function rebuilding(first: string, then: string): Promise<MemoryHost> {
  const host = memoryWorkspace(first);
  expect((await build({ meshFile: MESH, outDir: OUT }, host)).ok).toBe(true);
  host.writeFile(MESH, then, { mode: 0o644 });
  return host;
}

const SCENARIOS: Scenario[] = [
  { name: 'a cold build (no out/)', before: async () => memoryWorkspace(meshText(['east'])) },
  {
    name: 'a warm build that renames a cluster and restores CA files in pki/',
    before: async () => {
      const host = await rebuilding(A, B);
      host.unlink('/ws/pki/east/cert-chain.pem');
      host.unlink('/ws/pki/north/root-cert.pem');
      return host;
    },
  },
];

/**
 * What a user sees under `dir`: its files, without meshgen's work files (staging, journal,
 * commit, lock) and without empty directories (git keeps none, and a GitOps tool sees none).
 */
function visible(host: MemoryHost, dir: string): Map<string, string> {
  const tree = host.tree(dir);
  for (const path of [...tree.keys()]) if (/(^|\/)\.[^/]*meshgen-(staging|commit|lock)|\.meshgen-journal\.json$/.test(path)) tree.delete(path);
  for (const [path, entry] of [...tree]) if (entry.startsWith('directory') && ![...tree.keys()].some((p) => p.startsWith(`${path}/`) && !tree.get(p)!.startsWith('directory'))) tree.delete(path);
  return tree;
}

async function killedBuild(host: Host): Promise<void> {
  try {
    await build({ meshFile: MESH, outDir: OUT }, host);
  } catch (e) {
    if (!(e instanceof Killed)) throw e;
  }
}

describe('a build killed before any one of its changes to the filesystem', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: --check sees the old or the new tree, the next build finishes it exactly', async (_, scenario) => {
    // the old state, the new one, and how many changes the build makes
    const start = await scenario.before();
    const old = start.clone();
    const before = { out: visible(old, OUT), pki: visible(old, PKI) };
    const counting = crashingHost(old.process());
    expect((await build({ meshFile: MESH, outDir: OUT }, counting)).ok).toBe(true);
    const newTree = old.tree(WS);
    const after = { out: visible(old, OUT), pki: visible(old, PKI) };
    const changes = counting.changes;
    expect(changes).toBeGreaterThan(10);

    const seen = { old: 0, pending: 0, new: 0 };
    for (let killAt = 1; killAt <= changes; killAt++) {
      const host = start.clone();
      const victim = crashingHost(host.process(), killAt);
      await killedBuild(victim);
      expect(victim.killed, `killed before change ${killAt}`).toBe(true);

      const check = await build({ meshFile: MESH, outDir: OUT, check: true }, host.process());
      const out = visible(host, OUT);
      if (check.diff?.interrupted) {
        // a journal is pending: --check compares with the tree it publishes, and fails
        seen.pending++;
        expect(check.diff.changes.filter((c) => c.kind !== 'unchanged'), `kill ${killAt}`).toEqual([]);
        expect(check.diff.unknown, `kill ${killAt}`).toEqual([]);
        expect(check.ok, `kill ${killAt}`).toBe(false);
      } else if (mapsEqual(out, before.out)) {
        seen.old++;
      } else {
        seen.new++;
        expect(mapsEqual(out, after.out), `kill ${killAt}: out/ is the old or the new tree`).toBe(true);
        expect(check.ok, `kill ${killAt}: ${JSON.stringify(check.diagnostics)}`).toBe(true);
      }
      // CA material: as before, or as after, or committed and finished by the next build
      const pki = visible(host, PKI);
      if (!mapsEqual(pki, before.pki) && !mapsEqual(pki, after.pki)) expect(host.lstat(`${PKI}/.meshgen-commit`), `kill ${killAt}: pki/ is old, new or committed`).toBeDefined();

      const rebuilt = await build({ meshFile: MESH, outDir: OUT }, host.process());
      expect(rebuilt.ok, `kill ${killAt}: ${JSON.stringify(rebuilt.diagnostics)}`).toBe(true);
      expect(host.tree(WS), `kill ${killAt}: the rebuilt workspace`).toEqual(newTree);
    }
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.pending).toBeGreaterThan(0);
  }, 60_000);
});

function mapsEqual(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

describe('a build killed while it renames files into out/, on a real disk', () => {
  async function interrupted() {
    const ws = workspace(A);
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(ws.mesh, B);
    let renames = 0;
    await ignoreKilled(build({ meshFile: ws.mesh, outDir: ws.out }, killedDisk((method, args) => method === 'rename' && String(args[0]).includes('/.meshgen-staging/') && !String(args[1]).endsWith('.meshgen-journal.json') && ++renames > 5)));
    return ws;
  }

  it('--check names the pending publication and fails', async () => {
    const ws = await interrupted();
    const run = await cli(['build', ws.mesh, '--out', ws.out, '--check']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`pending ${ws.out}/.meshgen-journal.json\n  (a build was interrupted while publishing`);
  });

  it('the next build says it finished the interrupted publication', async () => {
    const ws = await interrupted();
    const run = await cli(['build', ws.mesh, '--out', ws.out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^finished the publication of an interrupted build: \\d+ files in ${ws.out}$`, 'm'));
  });
});
