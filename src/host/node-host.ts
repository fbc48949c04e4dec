import { chmodSync, closeSync, constants, fstatSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { FileTooLargeError, HostError, NotRegularFileError, type ExactStat, type FileStat, type Host, type WriteOptions } from './host.js';

// The real world, for the CLI: node:fs, process.env and the system clock.

export function nodeHost(env: NodeJS.ProcessEnv = process.env): Host {
  return {
    readFile: (path) => readFileSync(path, 'utf8'),
    readFileNoFollow,
    readRegularFile,
    lstat: (path) => statOrUndefined(() => lstatSync(path)),
    lstatExact,
    stat: (path) => statOrUndefined(() => statSync(path)),
    readdir: (path) => readdirSync(path).sort(),
    readdirKinds: (path) =>
      readdirSync(path, { withFileTypes: true })
        .map((d) => ({ name: d.name, kind: d.isSymbolicLink() ? ('symlink' as const) : d.isFile() ? ('file' as const) : d.isDirectory() ? ('directory' as const) : ('other' as const) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    mkdir: (path, mode = 0o755) => {
      mkdirSync(path, { recursive: true, mode });
    },
    writeFile: (path, content, options: WriteOptions) => {
      if (!options.exclusive && !options.sync) return writeFileSync(path, content, { mode: options.mode });
      // exclusive: O_CREAT|O_EXCL|O_NOFOLLOW, which also refuses a symlink planted at the path
      const flags = constants.O_WRONLY | (options.exclusive ? constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW : constants.O_CREAT | constants.O_TRUNC);
      const fd = openSync(path, flags, options.mode);
      try {
        writeAll(fd, content);
        if (options.sync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    rename: (from, to) => renameSync(from, to),
    chmod: (path, mode) => chmodSync(path, mode),
    unlink: (path) => unlinkSync(path),
    rmdir: (path) => rmdirSync(path),
    link: (from, to) => linkSync(from, to),
    syncDir,
    pid: process.pid,
    hostname: hostname(),
    processIdentity,
    sleep: (ms) => delay(ms),
    env,
    now: () => new Date(),
  };
}

function lstatExact(path: string): ExactStat | undefined {
  let stats;
  try {
    stats = lstatSync(path, { bigint: true, throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
  if (!stats) return undefined;
  const kind = stats.isSymbolicLink() ? 'symlink' : stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
  return { kind, mode: Number(stats.mode & 0o777n), size: Number(stats.size), mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, ino: stats.ino };
}

function writeAll(fd: number, content: string): void {
  const bytes = Buffer.from(content, 'utf8');
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}

function readFileNoFollow(path: string): string {
  // O_NONBLOCK: opening a FIFO planted in out/ must not hang the build
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new HostError('EISDIR', path);
    if (!stats.isFile()) throw new HostError('ENOTREG', path, `not a regular file: ${path}`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
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

function syncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // best effort: some filesystems cannot fsync a directory
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** "<pid>:<start time in clock ticks>" on Linux, "<pid>" elsewhere; undefined for no such process. */
function processIdentity(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return undefined; // ESRCH: no such process
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name, field 2, is in parentheses and may hold spaces: count fields after it
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = fields[19]; // field 22 of the whole line
    return startTime ? `${pid}:${startTime}` : String(pid);
  } catch {
    return String(pid);
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
