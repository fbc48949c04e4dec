import { chmodSync, closeSync, constants, fstatSync, openSync, readSync, writeSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { FileTooLargeError, HostError, NotRegularFileError, type FileStat, type Host, type WriteOptions } from './host.js';

// The real world, for the CLI: node:fs, process.env and the system clock.

export function nodeHost(env: NodeJS.ProcessEnv = process.env): Host {
  return {
    readFile: (path) => readFileSync(path, 'utf8'),
    readRegularFile,
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

/**
 * Reads a regular file of at most maxBytes. What is at the path is checked before it is opened
 * (opening a FIFO would wait for a writer) and again on the open descriptor (it may have been
 * replaced in between); O_NONBLOCK keeps even that open from waiting. At most maxBytes + 1
 * bytes are read, whatever size the file claims: a pseudo-file such as /proc/self/environ
 * claims size 0 and is refused once it turns out to have content.
 */
function readRegularFile(path: string, maxBytes: number): string {
  checkRegular(path, statSync(path), maxBytes);
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    checkRegular(path, stats, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw new FileTooLargeError(path, maxBytes);
    }
    if (stats.size === 0 && total > 0) throw new NotRegularFileError(path, 'a pseudo-file whose size is unknown, such as one under /proc');
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function checkRegular(path: string, stats: Stats, maxBytes: number): void {
  if (stats.isDirectory()) throw new HostError('EISDIR', path);
  if (!stats.isFile()) throw new NotRegularFileError(path, describeSpecial(stats));
  if (stats.size > maxBytes) throw new FileTooLargeError(path, maxBytes);
}

function describeSpecial(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
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
