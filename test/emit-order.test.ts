import { describe, expect, it, vi } from 'vitest';
import { readdirSync } from 'node:fs';
import { build } from '../src/pipeline.js';
import { report } from '../src/cli.js';
import { nodeHost } from '../src/host/node-host.js';
import { HostError, type Host } from '../src/host/host.js';
import { workspace } from './helpers/workspace.js';
import { MESH, OUT, PKI, memoryWorkspace, meshText } from './helpers/memory-workspace.js';
import { creations } from './helpers/fixture-ca.js';

// Issue #12, item 8: nothing is written when there is an error. Everything is staged first,
// pki/ and out/; a failure while staging writes nothing at all. Only if out/ fails after the
// CA material was committed is that material kept, and the build says exactly what it kept.

vi.mock('../src/pki/generate.js', async (original) => ({ ...(await original<object>()), createCaMaterial: (await import('./helpers/fixture-ca.js')).fixtureCaMaterial }));

const MESH_TEXT = meshText(['east', 'west']);
const CA_FILES = ['root-cert.pem', 'root-key.pem', ...['east', 'west'].flatMap((c) => ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem'].map((f) => `${c}/${f}`))];

/** `host`, with `fails(method, path)` throwing ENOSPC instead of doing it. */
function failing<T extends Host>(host: T, fails: (method: string, path: string) => boolean): T {
  return new Proxy(host, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (fails(String(key), String(args[1] ?? args[0])) || fails(String(key), String(args[0]))) throw new HostError('ENOSPC', String(args[0]));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('the order of pki/ and out/', () => {
  it('out/ failing while it is written leaves no new CA material in pki/', async () => {
    const ws = workspace(MESH_TEXT, { pki: false });
    const result = await build({ meshFile: ws.mesh, outDir: ws.out }, failing(nodeHost(), (method, path) => method === 'writeFile' && path.startsWith(`${ws.out}/`)));
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['MG4002']);
    expect(readdirSync(ws.dir).sort()).toEqual(['mesh.yaml']);
    expect(result.pkiKept ?? []).toEqual([]);
  });

  it('out/ failing after the CA material was committed: the build says what it kept, and the next build reuses it', async () => {
    const host = memoryWorkspace(MESH_TEXT, { pki: false });
    const result = await build({ meshFile: MESH, outDir: OUT }, failing(host, (method, path) => method === 'rename' && path.endsWith('/.meshgen-journal.json')));
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['MG4002']);
    expect(result.pkiKept?.sort()).toEqual([...CA_FILES].sort());
    expect([...host.files(PKI).keys()].sort()).toEqual([...CA_FILES].sort());
    expect([...host.files(OUT).keys()]).toEqual([]); // out/ was not changed

    const lines: string[] = [];
    report(result, { out: (s) => lines.push(s), err: (s) => lines.push(s), quiet: false, check: false, outDir: OUT });
    expect(lines).toContain(
      `CA material kept in ${PKI}/ although ${OUT} was not written: ${result.pkiKept!.join(', ')}. It is complete and new, nothing in out/ refers to it yet, and the next build reuses it instead of creating new keys.`,
    );

    const created = creations.length;
    expect((await build({ meshFile: MESH, outDir: OUT }, host)).ok).toBe(true);
    expect(creations.length).toBe(created);
  });
});
