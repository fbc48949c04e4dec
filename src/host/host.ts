// The world outside the compiler, injected: the filesystem, the environment and the clock.
// The CLI passes the real one (node-host.ts); tests pass an in-memory one (memory-host.ts).
// No stage touches node:fs, process.env or Date.now() directly, so `build`, `validate` and
// `certs status` run the same stage functions in a test as on a user's machine.
//
// Paths are absolute. Failures throw a HostError whose `code` is the POSIX name Node uses
// (ENOENT, EISDIR, ENOTDIR, EEXIST, EACCES, ...), so callers can tell "absent" from "broken".

export type FileKind = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  kind: FileKind;
  /** permission bits, e.g. 0o644 */
  mode: number;
  size: number;
}

/**
 * lstat(2) with what tells one version of a file from another without reading it: the
 * nanosecond modification and change times and the inode (the stat cache, emit/stat-cache.ts).
 */
export interface ExactStat extends FileStat {
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
}

export interface WriteOptions {
  mode: number;
  /**
   * O_CREAT|O_EXCL|O_NOFOLLOW: fail with EEXIST instead of replacing an existing file, and
   * never write through a symlink planted at the path (the link itself makes it EEXIST)
   */
  exclusive?: boolean;
  /** fsync the file before closing it (used for journals, whose rename is a commit point) */
  sync?: boolean;
}

export interface Host {
  /** The text of a file (UTF-8), following symlinks. */
  readFile(path: string): string;
  /**
   * The text of a regular file, never through a symlink: O_NOFOLLOW|O_NONBLOCK, then fstat.
   * A symlink at `path` fails with ELOOP, anything but a regular file (a FIFO, a device, a
   * directory) with ENOTREG or EISDIR, without blocking or reading it. Symlinks in the parent
   * directories are followed: callers that must not follow them check them with lstat first.
   */
  readFileNoFollow(path: string): string;
  /**
   * The text of a regular file (UTF-8, following symlinks) of at most `maxBytes` bytes. Throws
   * NotRegularFileError for a FIFO, device, socket or pseudo-file (without blocking on it or
   * reading it), FileTooLargeError beyond the limit, and the usual HostError otherwise.
   * Optional: `readRegularFile()` below falls back to stat + readFile for hosts without it.
   */
  readRegularFile?(path: string, maxBytes: number): string;
  /** What is at `path` itself (a symlink is reported as one), or undefined when nothing is. */
  lstat(path: string): FileStat | undefined;
  /**
   * lstat with nanosecond times and the inode, or undefined when nothing is at `path`.
   * Optional: without it a build keeps no stat cache and reads every file it compares.
   */
  lstatExact?(path: string): ExactStat | undefined;
  /** What `path` leads to, following symlinks, or undefined when nothing is there. */
  stat(path: string): FileStat | undefined;
  /** Entry names of a directory, sorted. */
  readdir(path: string): string[];
  /**
   * Entry names of a directory with what each one is (never followed: a symlink is one),
   * sorted, from one readdir. Optional: callers fall back to readdir and lstat.
   */
  readdirKinds?(path: string): Array<{ name: string; kind: FileKind }>;
  /** Creates a directory and its missing parents with `mode` (default 0o755); no error when it exists. */
  mkdir(path: string, mode?: number): void;
  writeFile(path: string, content: string, options: WriteOptions): void;
  /** rename(2): replaces a file at `to`, or an empty directory; fails with ENOTEMPTY on a non-empty one. */
  rename(from: string, to: string): void;
  chmod(path: string, mode: number): void;
  unlink(path: string): void;
  rmdir(path: string): void;
  /** link(2): a new name for an existing file; fails with EEXIST if `to` exists (never replaces it). */
  link(from: string, to: string): void;
  /** fsync(2) of a directory, so that the renames in it survive a crash of the machine; best effort. */
  syncDir(path: string): void;
  /** This process, for lock files. */
  readonly pid: number;
  /** This machine's name, for lock files (a pid means nothing on another machine). */
  readonly hostname: string;
  /**
   * Something that tells this process apart from a later one that reuses its pid (on Linux,
   * its start time); undefined when process `pid` does not exist.
   */
  processIdentity(pid: number): string | undefined;
  /** Waits; a lock holder is polled with it. */
  sleep(ms: number): Promise<void>;
  /** Environment variables (reader.tokenEnv). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The current time (certificate validity, new certificates). */
  now(): Date;
}

export class HostError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    message = `${code}: ${path}`,
  ) {
    super(message);
  }
}

/** `path` exists but is not a regular file: reading it could block (a FIFO), never end (/dev/zero) or expose what is not a file's content (/proc/self/environ). */
export class NotRegularFileError extends HostError {
  constructor(
    path: string,
    /** what it is instead, e.g. "a FIFO" */
    readonly what: string,
  ) {
    super('ENOTREG', path, `${path} is not a regular file (${what})`);
  }
}

/** `path` is a regular file larger than the limit the caller gave. */
export class FileTooLargeError extends HostError {
  constructor(
    path: string,
    readonly limit: number,
  ) {
    super('EFBIG', path, `${path} is larger than ${limit} bytes`);
  }
}

/** host.readRegularFile when the host has it; otherwise the same checks from stat (not atomic, which is fine for the in-memory host). */
export function readRegularFile(host: Host, path: string, maxBytes: number): string {
  if (host.readRegularFile) return host.readRegularFile(path, maxBytes);
  const stat = host.stat(path);
  if (!stat) throw new HostError('ENOENT', path);
  if (stat.kind === 'directory') throw new HostError('EISDIR', path);
  if (stat.kind !== 'file') throw new NotRegularFileError(path, 'a special file');
  if (stat.size > maxBytes) throw new FileTooLargeError(path, maxBytes);
  return host.readFile(path);
}

/** "1 MiB", "64 KiB", "300 bytes": how limits read in messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The POSIX error name of a failure from a Host (or from node:fs), or undefined. */
export function errorCode(e: unknown): string | undefined {
  return (e as { code?: unknown } | null)?.code === undefined ? undefined : String((e as { code: unknown }).code);
}

/** A write failure in words a user can act on: no space, permission, read-only, quota, or the system's message. */
export function failureReason(e: unknown): string {
  const code = errorCode(e);
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  return (e as Error)?.message ?? String(e);
}
