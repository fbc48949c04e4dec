import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCode, type Host } from '../../src/host/host.js';
import { MemoryHost } from '../../src/host/memory-host.js';
import { nodeHost } from '../../src/host/node-host.js';

// The in-memory host stands in for the real filesystem in tests, so it must behave like it:
// every case here runs against both, in a fresh directory each.

interface Subject {
  host: Host;
  root: string;
  symlink(target: string, path: string): void;
}

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const subjects: [string, () => Subject][] = [
  [
    'node host',
    () => {
      const root = mkdtempSync(join(tmpdir(), 'meshgen-host-'));
      temps.push(root);
      return { host: nodeHost(), root, symlink: (target, path) => symlinkSync(target, path) };
    },
  ],
  [
    'memory host',
    () => {
      const host = new MemoryHost();
      host.mkdir('/work');
      return { host, root: '/work', symlink: (target, path) => host.symlink(target, path) };
    },
  ],
];

function failure(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (e) {
    return errorCode(e) ?? 'no code';
  }
}

describe.each(subjects)('%s', (_, make) => {
  it('reads back what it wrote, with the mode it was given', () => {
    const { host, root } = make();
    host.writeFile(join(root, 'a.txt'), 'hello\n', { mode: 0o600 });
    host.chmod(join(root, 'a.txt'), 0o600);
    expect(host.readFile(join(root, 'a.txt'))).toBe('hello\n');
    expect(host.stat(join(root, 'a.txt'))).toEqual({ kind: 'file', mode: 0o600, size: 6 });
  });

  it('reports an absent file as ENOENT, a directory read as EISDIR, a file used as a directory as ENOTDIR', () => {
    const { host, root } = make();
    host.writeFile(join(root, 'f'), 'x', { mode: 0o644 });
    expect(failure(() => host.readFile(join(root, 'missing')))).toBe('ENOENT');
    expect(failure(() => host.readFile(root))).toBe('EISDIR');
    expect(failure(() => host.readFile(join(root, 'f', 'child')))).toBe('ENOTDIR');
    expect(host.stat(join(root, 'missing'))).toBeUndefined();
    expect(host.stat(join(root, 'f', 'child'))).toBeUndefined();
  });

  it('creates missing parent directories, and lists entries sorted', () => {
    const { host, root } = make();
    host.mkdir(join(root, 'x', 'y'));
    host.writeFile(join(root, 'x', 'y', 'b'), '', { mode: 0o644 });
    host.writeFile(join(root, 'x', 'y', 'a'), '', { mode: 0o644 });
    host.mkdir(join(root, 'x', 'y')); // again: no error
    expect(host.readdir(join(root, 'x', 'y'))).toEqual(['a', 'b']);
    expect(host.stat(join(root, 'x'))?.kind).toBe('directory');
  });

  it('refuses an exclusive write over an existing file, and over a planted symlink', () => {
    const { host, root, symlink } = make();
    host.writeFile(join(root, 'taken'), 'old', { mode: 0o644 });
    expect(failure(() => host.writeFile(join(root, 'taken'), 'new', { mode: 0o600, exclusive: true }))).toBe('EEXIST');
    expect(host.readFile(join(root, 'taken'))).toBe('old');
    symlink(join(root, 'taken'), join(root, 'link'));
    expect(failure(() => host.writeFile(join(root, 'link'), 'new', { mode: 0o600, exclusive: true }))).toBe('EEXIST');
    expect(host.readFile(join(root, 'taken'))).toBe('old');
  });

  it('tells a symlink from its target: lstat sees the link, stat and readFile follow it', () => {
    const { host, root, symlink } = make();
    host.writeFile(join(root, 'target'), 'behind the link', { mode: 0o644 });
    symlink('target', join(root, 'link'));
    expect(host.lstat(join(root, 'link'))?.kind).toBe('symlink');
    expect(host.stat(join(root, 'link'))?.kind).toBe('file');
    expect(host.readFile(join(root, 'link'))).toBe('behind the link');
    symlink('nowhere', join(root, 'dangling'));
    expect(host.lstat(join(root, 'dangling'))?.kind).toBe('symlink');
    expect(host.stat(join(root, 'dangling'))).toBeUndefined();
  });

  it('renames over an existing file, and removes files and empty directories', () => {
    const { host, root } = make();
    host.writeFile(join(root, 'new'), 'new', { mode: 0o644 });
    host.writeFile(join(root, 'old'), 'old', { mode: 0o644 });
    host.rename(join(root, 'new'), join(root, 'old'));
    expect(host.readFile(join(root, 'old'))).toBe('new');
    expect(host.stat(join(root, 'new'))).toBeUndefined();
    host.mkdir(join(root, 'd'));
    host.writeFile(join(root, 'd', 'f'), '', { mode: 0o644 });
    expect(failure(() => host.rmdir(join(root, 'd')))).toBe('ENOTEMPTY');
    host.unlink(join(root, 'd', 'f'));
    host.rmdir(join(root, 'd'));
    expect(host.readdir(root)).toEqual(['old']);
  });
});
