import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { build } from '../src/pipeline.js';
import { snapshot } from './helpers/snapshot.js';
import { workspace } from './helpers/workspace.js';

// Deterministic output: a rebuild with nothing changed rewrites nothing, not even with the
// same bytes (a rewrite would change mtimes, which GitOps tools and make-style tools watch).

describe('a rebuild with nothing changed', () => {
  it('writes nothing in out/ or pki/: every file keeps its mtime, and nothing is left beside them', async () => {
    const ws = workspace();
    expect((await build({ meshFile: ws.mesh, outDir: ws.out })).ok).toBe(true);
    const before = snapshot(ws.dir);
    const second = await build({ meshFile: ws.mesh, outDir: ws.out });
    expect(second.ok).toBe(true);
    expect(second.diff?.changes.filter((c) => c.kind !== 'unchanged')).toEqual([]);
    expect(snapshot(ws.dir)).toEqual(before);
    expect(readdirSync(ws.dir).sort()).toEqual(['mesh.yaml', 'out', 'pki']);
  });
});
