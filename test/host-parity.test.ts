import { describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCode, type Host } from '../src/host/host.js';
import { nodeHost } from '../src/host/node-host.js';
import { MemoryHost } from '../src/host/memory-host.js';
import { tempDir } from './helpers/fixtures.js';

// MemoryHost stands in for the disk in the emit and PKI tests, so it must fail where Node
// fails, with the same code. Each case runs against both, from the same starting tree:
//   /f (file "f"), /d/ (directory holding /d/x), /e/ (empty directory), /l -> /f, /dangling -> /nowhere

type Case = [string, (host: Host, root: string) => unknown];

const CASES: Case[] = [
  ['readFileNoFollow of a symlink', (h, r) => h.readFileNoFollow(`${r}/l`)],
  ['readFileNoFollow of a directory', (h, r) => h.readFileNoFollow(`${r}/d`)],
  ['readFileNoFollow of a file', (h, r) => h.readFileNoFollow(`${r}/f`)],
  ['exclusive write onto a symlink', (h, r) => h.writeFile(`${r}/l`, 'x', { mode: 0o600, exclusive: true })],
  ['exclusive write onto a dangling symlink', (h, r) => h.writeFile(`${r}/dangling`, 'x', { mode: 0o600, exclusive: true })],
  ['exclusive write onto a file', (h, r) => h.writeFile(`${r}/f`, 'x', { mode: 0o600, exclusive: true })],
  ['rename a directory onto an empty directory', (h, r) => h.rename(`${r}/d`, `${r}/e`)],
  ['rename a directory onto a non-empty directory', (h, r) => h.rename(`${r}/e`, `${r}/d`)],
  ['rename a file onto a directory', (h, r) => h.rename(`${r}/f`, `${r}/e`)],
  ['rename a directory onto a file', (h, r) => h.rename(`${r}/e`, `${r}/f`)],
  ['rename a file onto a symlink replaces the link', (h, r) => (h.rename(`${r}/f`, `${r}/l`), h.lstat(`${r}/l`)?.kind)],
  ['link onto an existing name', (h, r) => h.link(`${r}/f`, `${r}/d/x`)],
  ['link a file', (h, r) => (h.link(`${r}/f`, `${r}/g`), h.readFile(`${r}/g`))],
  ['rmdir of a non-empty directory', (h, r) => h.rmdir(`${r}/d`)],
  ['lstat of a symlink', (h, r) => h.lstat(`${r}/l`)?.kind],
  ['stat of a dangling symlink', (h, r) => h.stat(`${r}/dangling`)],
  ['readdirKinds of a directory with a file, directories and symlinks', (h, r) => h.readdirKinds?.(r)],
  ['readdirKinds of a file', (h, r) => h.readdirKinds?.(`${r}/f`)],
  ['lstatExact of a symlink', (h, r) => h.lstatExact?.(`${r}/l`)?.kind],
  ['lstatExact of a file: kind and size', (h, r) => (({ kind, size }) => ({ kind, size }))(h.lstatExact!(`${r}/f`)!)],
  ['lstatExact of an absent path, and of a path under a file', (h, r) => [h.lstatExact?.(`${r}/absent`), h.lstatExact?.(`${r}/f/x`)]],
];

function outcome(run: () => unknown): string {
  try {
    return `ok ${JSON.stringify(run())}`;
  } catch (e) {
    return `error ${errorCode(e)}`;
  }
}

describe('MemoryHost fails where Node fails', () => {
  it.each(CASES)('%s', (_, operation) => {
    const disk = tempDir();
    writeFileSync(join(disk, 'f'), 'f');
    mkdirSync(join(disk, 'd'));
    writeFileSync(join(disk, 'd/x'), 'x');
    mkdirSync(join(disk, 'e'));
    symlinkSync(join(disk, 'f'), join(disk, 'l'));
    symlinkSync(join(disk, 'nowhere'), join(disk, 'dangling'));
    const memory = new MemoryHost({ files: { '/m/f': 'f', '/m/d/x': 'x' }, exactStat: true });
    memory.mkdir('/m/e');
    memory.symlink('/m/f', '/m/l');
    memory.symlink('/m/nowhere', '/m/dangling');
    expect(outcome(() => operation(memory, '/m'))).toBe(outcome(() => operation(nodeHost(), disk)));
  });
});
