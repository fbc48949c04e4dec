import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from '../src/pipeline.js';
import { nodeHost } from '../src/host/node-host.js';
import { FileTooLargeError, NotRegularFileError } from '../src/host/host.js';
import { runCli, tempDir } from './helpers/fixtures.js';

// meshgen reads regular files only, each with a size limit: a FIFO would block the run, a
// device would never end, and a pseudo-file (/proc/self/environ) is not a file's content.

function mkfifo(path: string): boolean {
  return spawnSync('mkfifo', [path]).status === 0;
}

describe('the mesh file', () => {
  it('that is a FIFO is a usage error at once, not a hang', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'mesh.yaml');
    if (!mkfifo(fifo)) return expect.fail('mkfifo is needed for this test');
    const run = runCli(['validate', fifo], { timeout: 20_000 });
    expect(run.signal, 'meshgen waited for a writer').toBeNull();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a regular file (a FIFO)');
  });

  it('that is /dev/zero is a usage error, not an endless read', () => {
    const run = runCli(['build', '/dev/zero', '--out', join(tempDir(), 'out')], { timeout: 20_000 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a regular file (a character device)');
  });

  it.runIf(existsSync('/proc/self/environ'))('that is /proc/self/environ is a usage error, and the environment is never printed', () => {
    const run = runCli(['validate', '/proc/self/environ'], { env: { ...process.env, MESHGEN_TEST_SECRET: 'hunter2-do-not-print' } });
    expect(run.status).toBe(2);
    expect(run.stdout + run.stderr).not.toContain('hunter2-do-not-print');
    expect(run.stderr).toContain('not a regular file');
  });

  it('larger than 1 MiB is MG1006 and is not parsed', async () => {
    const dir = tempDir();
    const meshFile = join(dir, 'mesh.yaml');
    writeFileSync(meshFile, `# ${'x'.repeat(1024 * 1024)}\n`);
    const result = await build({ meshFile, outDir: join(dir, 'out') });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => `${d.code} ${d.file}:${d.position?.line}:${d.position?.col}`)).toEqual([`MG1006 ${meshFile}:1:1`]);
    expect(result.sources.size).toBe(0); // no code frame of a file that was not read
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('the node host reads regular files only', () => {
  const host = nodeHost();

  it('up to the limit, whatever size the file claims', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, 'abc');
    expect(host.readRegularFile!(file, 3)).toBe('abc');
    expect(() => host.readRegularFile!(file, 2)).toThrow(FileTooLargeError);
  });

  it('refusing a FIFO without opening it for a blocking read', () => {
    const fifo = join(tempDir(), 'p');
    if (!mkfifo(fifo)) return expect.fail('mkfifo is needed for this test');
    expect(() => host.readRegularFile!(fifo, 100)).toThrow(NotRegularFileError);
  });

  it.runIf(existsSync('/proc/self/status'))('refusing a pseudo-file that claims size 0', () => {
    expect(() => host.readRegularFile!('/proc/self/status', 1024 * 1024)).toThrow(NotRegularFileError);
  });
});
