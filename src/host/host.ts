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

export interface WriteOptions {
  mode: number;
  /** fail with EEXIST instead of replacing an existing file */
  exclusive?: boolean;
}

export interface Host {
  /** The text of a file (UTF-8), following symlinks. */
  readFile(path: string): string;
  /** What is at `path` itself (a symlink is reported as one), or undefined when nothing is. */
  lstat(path: string): FileStat | undefined;
  /** What `path` leads to, following symlinks, or undefined when nothing is there. */
  stat(path: string): FileStat | undefined;
  /** Entry names of a directory, sorted. */
  readdir(path: string): string[];
  /** Creates a directory and its missing parents with `mode` (default 0o755); no error when it exists. */
  mkdir(path: string, mode?: number): void;
  writeFile(path: string, content: string, options: WriteOptions): void;
  rename(from: string, to: string): void;
  chmod(path: string, mode: number): void;
  unlink(path: string): void;
  rmdir(path: string): void;
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

/** The POSIX error name of a failure from a Host (or from node:fs), or undefined. */
export function errorCode(e: unknown): string | undefined {
  return (e as { code?: unknown } | null)?.code === undefined ? undefined : String((e as { code: unknown }).code);
}
