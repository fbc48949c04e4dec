import { describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { acquireLock, lockPathFor, releaseLock } from '../src/host/lock.js';
import { REPO, readTree } from './helpers/fixtures.js';
import { workspace } from './helpers/workspace.js';
import { MESH, OUT, PKI, WS, memoryWorkspace, meshText } from './helpers/memory-workspace.js';
import { creations } from './helpers/fixture-ca.js';

// Issue #12, item 7: two builds on the same out/ and pki/ at once. Each build holds the lock
// of out/ and of pki/ (`.out.meshgen-lock` beside it) from before it reads them until it has
// published; another build waits for it, or fails with MG4005 naming the holder; a lock whose
// process is gone is taken over.

vi.mock('../src/pki/generate.js', async (original) => ({ ...(await original<object>()), createCaMaterial: (await import('./helpers/fixture-ca.js')).fixtureCaMaterial }));

const MESH_TEXT = meshText(['east', 'west']);

describe('the lock of out/ and pki/', () => {
  it('two builds at once on a new out/ and pki/ both succeed, and the CA is created once', async () => {
    const ws = workspace(MESH_TEXT, { pki: false });
    const before = creations.length;
    const [first, second] = await Promise.all([build({ meshFile: ws.mesh, outDir: ws.out }), build({ meshFile: ws.mesh, outDir: ws.out })]);
    expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(second.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(creations.slice(before)).toEqual([{ root: true, intermediates: ['east', 'west'] }]);
    expect(readdirSync(ws.dir).sort()).toEqual(['mesh.yaml', 'out', 'pki']);
  });

  it('a build waits for a lock held by a live process, then fails with MG4005 naming it, and writes nothing', async () => {
    const host = memoryWorkspace(MESH_TEXT);
    const other = host.process();
    const held = await acquireLock(other, lockPathFor(OUT), { timeoutMs: 0 });
    expect('held' in held).toBe(true);
    const result = await build({ meshFile: MESH, outDir: OUT, lockTimeoutMs: 300 }, host);
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      `MG4005 ${OUT} is locked by another meshgen build (process ${other.pid} on memory-host; lock file ${WS}/.out.meshgen-lock)`,
    ]);
    expect(host.lstat(OUT)).toBeUndefined();
  });

  it('a build that waits gets the lock as soon as it is released', async () => {
    const host = memoryWorkspace(MESH_TEXT);
    const other = host.process();
    const held = await acquireLock(other, lockPathFor(PKI), { timeoutMs: 0 });
    const building = build({ meshFile: MESH, outDir: OUT, lockTimeoutMs: 60_000 }, host);
    for (let i = 0; i < 5; i++) await host.sleep();
    expect(host.lstat(OUT)).toBeUndefined(); // still waiting
    if ('held' in held) releaseLock(other, held.held);
    expect((await building).ok).toBe(true);
  });

  it('a lock left by a build whose process is gone is taken over', async () => {
    const host = memoryWorkspace(MESH_TEXT);
    const killed = host.process();
    await acquireLock(killed, lockPathFor(OUT), { timeoutMs: 0 });
    killed.exit();
    const result = await build({ meshFile: MESH, outDir: OUT, lockTimeoutMs: 0 }, host);
    expect(result.ok).toBe(true);
    expect([...host.tree(WS).keys()].filter((p) => p.includes('lock'))).toEqual([]);
  });

  it('--check waits for a build in progress (MG4005 if it does not end) and never creates a lock', async () => {
    const host = memoryWorkspace(MESH_TEXT);
    expect((await build({ meshFile: MESH, outDir: OUT }, host)).ok).toBe(true);
    const other = host.process();
    await acquireLock(other, lockPathFor(OUT), { timeoutMs: 0 });
    const before = host.tree(WS);
    const check = await build({ meshFile: MESH, outDir: OUT, check: true, lockTimeoutMs: 200 }, host);
    expect(check.ok).toBe(false);
    expect(check.diagnostics.map((d) => d.code)).toEqual(['MG4005']);
    expect(host.tree(WS)).toEqual(before);
  });

  it('two CLI builds at once on the same out/ both exit 0 and leave one complete tree', async () => {
    const ws = workspace(MESH_TEXT);
    const run = () =>
      new Promise<number | null>((resolve) => spawn(process.execPath, [join(REPO, 'dist/cli.js'), 'build', 'mesh.yaml', '--quiet'], { cwd: ws.dir, stdio: 'ignore' }).on('exit', resolve));
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    expect((await build({ meshFile: ws.mesh, outDir: ws.out, check: true })).ok).toBe(true);
    expect([...readTree(ws.out).keys()].filter((p) => p.startsWith('.meshgen-') && p !== '.meshgen-manifest.json')).toEqual([]);
    expect(existsSync(join(ws.dir, '.out.meshgen-lock'))).toBe(false);
  });
});
