import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { cli, workspace, type Workspace } from './helpers/workspace.js';

// Issue #12, item 19: Argo CD's directory source and Flux's Kustomization apply every file in
// the directories meshgen writes, so a file meshgen did not write there is drift: --check
// reports it, build says it is there, and neither ever deletes it.

async function built(): Promise<Workspace> {
  const ws = workspace();
  expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
  return ws;
}

const EXTRA = 'kind: ConfigMap\nmetadata: { name: hand-added }\n';

describe('files meshgen did not write, in directories it owns', () => {
  it.each(['east/manifests/hand-added.yaml', 'east/helm/extra.values.yaml', 'west/certs/other.pem', 'argocd/hand-added.yaml', 'flux/east/hand-added.yaml', 'east/manifests/sub/dir/nested.yaml'])(
    '--check reports %s as drift and exits 1',
    async (path) => {
      const ws = await built();
      mkdirSync(join(ws.out, path, '..'), { recursive: true });
      writeFileSync(join(ws.out, path), EXTRA);
      const run = await cli(['build', ws.mesh, '--out', ws.out, '--check']);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`unknown ${ws.out}/${path}\n`);
      expect(run.stderr).not.toContain('hand-added }'); // named, never shown
    },
  );

  it('build warns about a hand-added manifest (W4102) and leaves it in place', async () => {
    const ws = await built();
    writeFileSync(join(ws.out, 'east/manifests/hand-added.yaml'), EXTRA);
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.filter((d) => d.code === 'W4102').map((d) => d.message)).toEqual([
      `${ws.out}/east/manifests/hand-added.yaml was not written by meshgen, in a directory a GitOps tool applies as a whole`,
    ]);
    expect(readFileSync(join(ws.out, 'east/manifests/hand-added.yaml'), 'utf8')).toBe(EXTRA);
  });

  it('files outside the owned directories (notes, CODEOWNERS) are not reported', async () => {
    const ws = await built();
    writeFileSync(join(ws.out, 'east/my-notes.md'), 'notes\n');
    writeFileSync(join(ws.out, 'CODEOWNERS'), '* @platform\n');
    const run = await cli(['build', ws.mesh, '--out', ws.out, '--check']);
    expect(run.stderr).not.toContain('unknown');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${ws.out} is up to date`);
  });

  it('--check reports a temporary file an interrupted older build left, without its content', async () => {
    const ws = await built();
    const leftover = join(ws.out, 'east/secrets/cacerts.yaml.meshgen-tmp-4242');
    writeFileSync(leftover, readFileSync(join(ws.out, 'east/secrets/cacerts.yaml')));
    const run = await cli(['build', ws.mesh, '--out', ws.out, '--check']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`removed ${leftover}\n  (temporary file of an interrupted build: content not shown; meshgen build removes it)`);
    expect(run.output).not.toContain('ca-key.pem:');
  });

  it('build removes a temporary file an interrupted older build left beside a file it writes', async () => {
    const ws = await built();
    const leftover = join(ws.out, 'east/helm/istiod.values.yaml.meshgen-tmp-4242');
    writeFileSync(leftover, 'half written');
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(result.ok).toBe(true);
    expect(existsSync(leftover)).toBe(false);
    expect(result.diagnostics.filter((d) => d.code === 'W4102')).toEqual([]);
  });
});
