import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, ProgressLine, progressText } from '../src/cli.js';
import { build, type BuildProgress } from '../src/pipeline.js';
import { exampleCopy, REPO, tempDir } from './helpers/fixtures.js';

// The progress line on stderr (a terminal only, never under --quiet), the stages the build
// reports to it, and `meshgen build | head -1` when the run fails.

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (s: string) => writes.push(s) };
}

describe('the progress line', () => {
  it('draws nothing during the first second', () => {
    let now = 0;
    const stream = recorder(true);
    const line = new ProgressLine(stream, { now: () => now });
    now = 999;
    line.show('rendering clusters: 1/2');
    line.clear();
    expect(stream.writes).toEqual([]);
  });

  it('after a second, redraws the latest text in place, at most every 100 ms, and erases itself at the end', () => {
    let now = 0;
    const stream = recorder(true);
    const line = new ProgressLine(stream, { now: () => now });
    now = 1000;
    line.show('rendering clusters: 1/3');
    now = 1050;
    line.show('rendering clusters: 2/3'); // within 100 ms of the last draw: not drawn
    now = 1150;
    line.show('rendering clusters: 3/3');
    line.clear();
    expect(stream.writes).toEqual(['\r\x1b[2Kmeshgen: rendering clusters: 1/3', '\r\x1b[2Kmeshgen: rendering clusters: 3/3', '\r\x1b[2K']);
  });

  it('shows a long stage that reports nothing more (key generation) once the second is over', async () => {
    const stream = recorder(true);
    const line = new ProgressLine(stream, { delayMs: 20 });
    line.show(progressText({ stage: 'keys', keys: 3 }));
    await new Promise((resolve) => setTimeout(resolve, 60));
    line.clear();
    expect(stream.writes).toEqual(['\r\x1b[2Kmeshgen: generating 3 CA keys...', '\r\x1b[2K']);
  });

  it('is not drawn when stderr is not a terminal, nor under --quiet', async () => {
    for (const [isTTY, flags] of [[false, []], [true, ['--quiet']]] as const) {
      const stream = recorder(isTTY);
      const out = tempDir();
      const code = await main(['build', exampleCopy('multi-primary-multi-network'), '--out', out, ...flags], () => {}, () => {}, stream);
      expect(code).toBe(0);
      expect(stream.writes, `isTTY ${isTTY} ${flags.join(' ')}`).toEqual([]);
    }
  });
});

describe('the stages a build reports', () => {
  it('keys being generated, each cluster rendered, the comparison, the writing, in that order', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'mesh.yaml'),
      'apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: p }\nspec:\n  istio: { version: "1.30.3" }\n  pki: { keyType: ecdsa-p256 }\n  secrets: { mode: omit }\n  clusters:\n    - { name: east, network: n1 }\n    - { name: west, network: n2 }\n',
    );
    const events: BuildProgress[] = [];
    const result = await build({ meshFile: join(dir, 'mesh.yaml'), outDir: join(dir, 'out'), progress: (e) => events.push(e) });
    expect(result.ok).toBe(true);
    expect(events).toEqual([
      { stage: 'keys', keys: 3 },
      { stage: 'render', done: 1, total: 2 },
      { stage: 'render', done: 2, total: 2 },
      { stage: 'compare' },
      { stage: 'write' },
    ]);
  });
});

describe('meshgen build | head -1', () => {
  it('a failing build whose readers are gone ends quietly with exit 1, as documented', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mesh.yaml'), 'apiVersion: meshgen.dev/v1alpha1\nkind: Mesh\nmetadata: { name: p }\nspec: { clusters: [] }\n');
    const child = spawn(process.execPath, [join(REPO, 'dist/cli.js'), 'build'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    child.stderr.destroy(); // the diagnostics go nowhere: EPIPE on stderr too
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(1);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
