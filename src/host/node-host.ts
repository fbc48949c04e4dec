import { chmodSync, closeSync, constants, openSync, writeSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import type { FileStat, Host, WriteOptions } from './host.js';

// The real world, for the CLI: node:fs, process.env and the system clock.

export function nodeHost(env: NodeJS.ProcessEnv = process.env): Host {
  return {
    readFile: (path) => readFileSync(path, 'utf8'),
    lstat: (path) => statOrUndefined(() => lstatSync(path)),
    stat: (path) => statOrUndefined(() => statSync(path)),
    readdir: (path) => readdirSync(path).sort(),
    mkdir: (path, mode = 0o755) => {
      mkdirSync(path, { recursive: true, mode });
    },
    writeFile: (path, content, options: WriteOptions) => {
      // exclusive: O_CREAT|O_EXCL, which also refuses a symlink planted at the path
      if (!options.exclusive) return writeFileSync(path, content, { mode: options.mode });
      const fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, options.mode);
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
    },
    rename: (from, to) => renameSync(from, to),
    chmod: (path, mode) => chmodSync(path, mode),
    unlink: (path) => unlinkSync(path),
    rmdir: (path) => rmdirSync(path),
    env,
    now: () => new Date(),
  };
}

function statOrUndefined(read: () => Stats): FileStat | undefined {
  let stats: Stats;
  try {
    stats = read();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  const kind = stats.isSymbolicLink() ? 'symlink' : stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
  return { kind, mode: stats.mode & 0o777, size: stats.size };
}
