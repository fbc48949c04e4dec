import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { exampleCopy, tempDir } from './helpers/fixtures.js';

// build --check never compares private files (they are not kept in git), so it does not
// render them either: remote secrets and cacerts Secrets are listed without content.

describe('build --check and private files', () => {
  it('lists every private file a build writes, without rendering its content', async () => {
    const mesh = exampleCopy('multi-primary-multi-network');
    const out = join(tempDir(), 'out');
    const built = await build({ meshFile: mesh, outDir: out });
    expect(built.ok).toBe(true);
    const privateFiles = [...built.files!.values()].filter((f) => f.private);
    expect(privateFiles.map((f) => f.path).sort()).toEqual(['east/secrets/cacerts.yaml', 'east/secrets/istio-remote-secret-west.yaml', 'west/secrets/cacerts.yaml', 'west/secrets/istio-remote-secret-east.yaml']);
    expect(privateFiles.every((f) => f.content !== undefined)).toBe(true); // control: a build renders them

    const checked = await build({ meshFile: mesh, outDir: out, check: true });
    expect(checked.ok).toBe(true);
    const listed = [...checked.files!.values()].filter((f) => f.private);
    expect(listed.map((f) => [f.path, f.content])).toEqual(privateFiles.map((f) => [f.path, undefined]));
    expect(checked.diff!.uncompared.sort()).toEqual(privateFiles.map((f) => f.path).sort());
  });
});
