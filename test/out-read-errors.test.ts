import { describe, expect, it } from 'vitest';
import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { HostError, type Host } from '../src/host/host.js';
import { nodeHost } from '../src/host/node-host.js';
import { seedPki, tempDir } from './helpers/fixtures.js';

// A build compares out/ with what it renders before writing anything. A file in out/ that
// cannot be read is MG4004 (a symlink loop: a link meshgen will not follow) or MG4009 (unreadable) naming it, and nothing is written; never an internal error.

const MESH = `apiVersion: meshgen.dev/v1alpha1
kind: Mesh
metadata: { name: demo }
spec:
  istio: { version: "1.30.3" }
  secrets: { mode: omit }
  clusters:
    - { name: east, network: net-1 }
`;

async function builtWorkspace(): Promise<{ mesh: string; out: string }> {
  const dir = tempDir();
  seedPki(dir);
  writeFileSync(join(dir, 'mesh.yaml'), MESH);
  const ws = { mesh: join(dir, 'mesh.yaml'), out: join(dir, 'out') };
  expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
  return ws;
}

describe('a file in out/ that cannot be read', () => {
  it('a symbolic link loop (ELOOP) is MG4004 naming the file, and nothing is written', async () => {
    const ws = await builtWorkspace();
    const values = join(ws.out, 'east/helm/istiod.values.yaml');
    const readme = readFileSync(join(ws.out, 'README.md'), 'utf8');
    rmSync(values);
    symlinkSync('istiod.values.yaml', values);
    writeFileSync(ws.mesh, MESH.replace('net-1', 'net-2')); // a change the build would write
    const result = await build({ meshFile: ws.mesh, outDir: ws.out });
    // a link meshgen will not follow, named in the message
    expect(result.diagnostics.map((d) => d.code)).toEqual(['MG4004']);
    expect(result.diagnostics[0].message).toContain('east/helm/istiod.values.yaml');
    expect(readFileSync(join(ws.out, 'README.md'), 'utf8')).toBe(readme);
  });

  it('no permission (EACCES) is MG4009 naming the file', async () => {
    const ws = await builtWorkspace();
    const denied = join(ws.out, 'east/kustomization.yaml');
    const real = nodeHost();
    const host: Host = {
      ...real,
      // no stat cache: with it, a file whose stat is unchanged is not read at all (a real chmod changes its ctime)
      lstatExact: undefined,
      readFile: (path) => {
        if (path === denied) throw new HostError('EACCES', path);
        return real.readFile(path);
      },
      readFileNoFollow: (path) => {
        if (path === denied) throw new HostError('EACCES', path);
        return real.readFileNoFollow(path);
      },
    };
    const result = await build({ meshFile: ws.mesh, outDir: ws.out }, host);
    expect(result.diagnostics.map((d) => `${d.code} ${d.file}`)).toEqual([`MG4009 ${denied}`]);
    expect(result.diagnostics[0].hint).toContain('read access');
  });
});
