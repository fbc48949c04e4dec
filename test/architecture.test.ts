import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './helpers/fixtures.js';

// The layout shows the architecture: no import cycles, and no stage imports a later one
// (load → validate → model → plan → pki → credentials → render → emit, over a foundation of
// diagnostics, host, rules and resource). scripts/check-layers.mjs checks it; CI runs it too.

function checkLayers(src: string) {
  return spawnSync(process.execPath, [join(REPO, 'scripts/check-layers.mjs'), src], { encoding: 'utf8' });
}

function copyOfSrc(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshgen-layers-'));
  cpSync(join(REPO, 'src'), join(dir, 'src'), { recursive: true });
  return join(dir, 'src');
}

describe('the source tree', () => {
  it('has no import cycle and no stage importing a later stage', () => {
    const result = checkLayers(join(REPO, 'src'));
    expect(result.stdout + result.stderr).toMatch(/no cycles, no stage imports a later one/);
    expect(result.status).toBe(0);
  });
});

describe('the layer check (controls: it must catch what it is for)', () => {
  it('fails when a stage imports a later stage', () => {
    const src = copyOfSrc();
    try {
      writeFileSync(join(src, 'load', 'reaches-ahead.ts'), "import { renderMesh } from '../render/render-mesh.js';\nexport const x = renderMesh;\n");
      const result = checkLayers(src);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('load/reaches-ahead.ts: imports render/render-mesh.ts, a later stage');
    } finally {
      rmSync(join(src, '..'), { recursive: true, force: true });
    }
  });

  it('fails on an import cycle inside one stage', () => {
    const src = copyOfSrc();
    try {
      writeFileSync(join(src, 'plan', 'cycle-a.ts'), "import { b } from './cycle-b.js';\nexport const a = () => b;\n");
      writeFileSync(join(src, 'plan', 'cycle-b.ts'), "import { a } from './cycle-a.js';\nexport const b = () => a;\n");
      const result = checkLayers(src);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('import cycle: plan/cycle-a.ts <-> plan/cycle-b.ts');
    } finally {
      rmSync(join(src, '..'), { recursive: true, force: true });
    }
  });
});
