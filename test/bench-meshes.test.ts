import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the bench, without types
import { makefileText, meshText, writeCredentials, writeEcPki, writeMakefile } from '../scripts/bench/generate.mjs';
import { build } from '../src/pipeline.js';
import { tempDir as newTempDir } from './helpers/fixtures.js';

// `npm run bench` times meshes that scripts/bench/generate.mjs writes. These tests keep them
// meshes that build cleanly, at a small size, so that a change of the format cannot quietly
// turn a bench case into a measure of failing builds or of nothing.

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = newTempDir(prefix);
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Options = { clusters: number; services?: number; legacy?: boolean; credentials?: boolean; port?: number };

function benchMesh(options: Options, { pki = true } = {}): string {
  const dir = tempDir('meshgen-bench-test-');
  writeCredentials(dir);
  if (pki) writeEcPki(dir, options.clusters);
  writeFileSync(join(dir, 'mesh.yaml'), meshText(options));
  return dir;
}

const buildIn = (dir: string) => build({ meshFile: join(dir, 'mesh.yaml'), outDir: join(dir, 'out') });
const codes = (result: Awaited<ReturnType<typeof build>>) => result.diagnostics.map((d) => `${d.code} ${d.message}`);

describe('the bench meshes', () => {
  it('primaries (the no-change and --check cases) build with no diagnostic', async () => {
    const result = await buildIn(benchMesh({ clusters: 3 }));
    expect(codes(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.remoteSecrets).toEqual({ rendered: 6, notRendered: 0 });
  });

  it('clusters x services (the one-service case) build with no diagnostic', async () => {
    const result = await buildIn(benchMesh({ clusters: 3, services: 12 }));
    expect(codes(result)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('legacy .global (no remote secrets, so no credentials) builds with no diagnostic', async () => {
    const result = await buildIn(benchMesh({ clusters: 3, services: 12, legacy: true, credentials: false }));
    expect(codes(result)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("the one-service variant changes the output (the case's rebuild is not a no-change one)", async () => {
    const dir = benchMesh({ clusters: 3, services: 12 });
    expect((await buildIn(dir)).ok).toBe(true);
    const variant = meshText({ clusters: 3, services: 12, port: 8081 });
    expect(variant).not.toBe(meshText({ clusters: 3, services: 12 }));
    writeFileSync(join(dir, 'mesh.yaml'), variant);
    const rebuilt = await buildIn(dir);
    expect(rebuilt.ok).toBe(true);
    const changed = rebuilt.diff!.changes.filter((c) => c.kind !== 'unchanged');
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(rebuilt.diff!.changes.length / 2);
  });

  it("the openssl anchor's Makefile makes a root and one intermediate per cluster, RSA-4096 (make -n)", () => {
    const dir = tempDir('meshgen-bench-test-');
    writeMakefile(dir, 2);
    const dry = spawnSync('make', ['-n'], { cwd: dir, encoding: 'utf8' });
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout.match(/openssl genrsa -out \S+ 4096/g)?.sort()).toEqual(['openssl genrsa -out c0/ca-key.pem 4096', 'openssl genrsa -out c1/ca-key.pem 4096', 'openssl genrsa -out root-key.pem 4096']);
    expect(makefileText(2)).toContain('c1/cert-chain.pem: c1/ca-cert.pem root-cert.pem');
  });
});
