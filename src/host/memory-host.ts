import { posix } from 'node:path';
import { HostError, type ExactStat, type FileStat, type Host, type WriteOptions } from './host.js';

// An in-memory filesystem for tests: files, directories and symlinks with modes, the errors
// Node would raise, a fixed environment and a fixed clock. Paths are absolute POSIX paths.
// It also plays the machine's processes, for lock files: `process()` gives another process on
// the same filesystem, and `exit()` ends one (a killed build leaves its lock file behind).

// a file's inode and times (nanoseconds of the host's clock) are kept for lstatExact
type FileEntry = { kind: 'file'; content: string; mode: number; ino: bigint; mtimeNs: bigint; ctimeNs: bigint };
type Entry = FileEntry | { kind: 'directory'; mode: number } | { kind: 'symlink'; target: string };

const MAX_LINKS = 40;

interface Machine {
  entries: Map<string, Entry>;
  running: Set<number>;
  nextPid: number;
  nextIno: bigint;
}

export interface MemoryHostOptions {
  files?: Record<string, string>;
  env?: Record<string, string | undefined>;
  now?: Date;
  /**
   * lstatExact (nanosecond times, inodes), which turns on the stat cache of builds
   * (emit/stat-cache.ts); off by default, so that out/ holds only what a build renders
   */
  exactStat?: boolean;
}

export class MemoryHost implements Host {
  private readonly machine: Machine;
  private readonly entries: Map<string, Entry>;
  readonly env: Record<string, string | undefined>;
  readonly pid: number;
  readonly hostname = 'memory-host';
  private clock: Date;

  constructor(options: MemoryHostOptions = {}, machine?: Machine) {
    this.machine = machine ?? { entries: new Map([['/', { kind: 'directory', mode: 0o755 }]]), running: new Set(), nextPid: 1000, nextIno: 1n };
    this.entries = this.machine.entries;
    this.pid = this.machine.nextPid++;
    this.machine.running.add(this.pid);
    this.env = { ...(options.env ?? {}) };
    this.clock = options.now ?? new Date('2026-01-01T00:00:00Z');
    if (options.exactStat) this.lstatExact = (path) => this.lstatExactImpl(path);
    for (const [path, content] of Object.entries(options.files ?? {})) {
      this.mkdir(posix.dirname(path));
      this.writeFile(path, content, { mode: 0o644 });
    }
  }

  /** Another process on this machine: same filesystem, its own pid, this environment and clock. */
  process(): MemoryHost {
    return new MemoryHost({ env: this.env, now: this.clock, exactStat: this.lstatExact !== undefined }, this.machine);
  }

  /** A process on a copy of this machine: the same files, from here on independent. */
  clone(): MemoryHost {
    const copy: Machine = { entries: new Map(this.entries), running: new Set(this.machine.running), nextPid: this.machine.nextPid, nextIno: this.machine.nextIno };
    return new MemoryHost({ env: this.env, now: this.clock, exactStat: this.lstatExact !== undefined }, copy);
  }

  /** This process ends (as by kill -9): its pid is no longer running. */
  exit(): void {
    this.machine.running.delete(this.pid);
  }

  processIdentity(pid: number): string | undefined {
    return this.machine.running.has(pid) ? String(pid) : undefined;
  }

  /** Yields to other promises; the clock does not move. */
  sleep(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  syncDir(): void {
    // nothing to flush
  }

  now(): Date {
    return new Date(this.clock);
  }

  setNow(date: Date): void {
    this.clock = date;
  }

  /** Every entry under `dir` (itself excluded): relative path → its kind, mode and content (or link target), for assertions. */
  tree(dir = '/'): Map<string, string> {
    const root = normalize(dir);
    const found = new Map<string, string>();
    for (const [path, entry] of [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (path.startsWith(root === '/' ? '/' : `${root}/`) && path !== root) found.set(posix.relative(root, path), entry.kind === 'file' ? `file ${entry.mode.toString(8)} ${entry.content}` : entry.kind === 'directory' ? `directory ${entry.mode.toString(8)}` : `symlink ${entry.target}`);
    }
    return found;
  }

  symlink(target: string, path: string): void {
    const at = this.parentOf(path);
    if (this.entries.has(at)) throw new HostError('EEXIST', path);
    this.entries.set(at, { kind: 'symlink', target });
  }

  /** Every regular file under `dir`, as path relative to it → content (for assertions). */
  files(dir = '/'): Map<string, string> {
    const root = normalize(dir);
    const found = new Map<string, string>();
    for (const [path, entry] of [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (entry.kind === 'file' && path.startsWith(root === '/' ? '/' : `${root}/`)) found.set(posix.relative(root, path), entry.content);
    }
    return found;
  }

  readFile(path: string): string {
    const entry = this.entries.get(this.resolve(path));
    if (!entry) throw new HostError('ENOENT', path);
    if (entry.kind === 'directory') throw new HostError('EISDIR', path);
    if (entry.kind !== 'file') throw new HostError('EINVAL', path);
    return entry.content;
  }

  readFileNoFollow(path: string): string {
    const entry = this.entries.get(this.parentOf(path));
    if (!entry) throw new HostError('ENOENT', path);
    if (entry.kind === 'symlink') throw new HostError('ELOOP', path);
    if (entry.kind === 'directory') throw new HostError('EISDIR', path);
    return entry.content;
  }

  lstat(path: string): FileStat | undefined {
    const at = this.tryParentOf(path);
    const entry = at === undefined ? undefined : this.entries.get(at);
    return entry && statOf(entry);
  }

  readonly lstatExact?: (path: string) => ExactStat | undefined;

  private lstatExactImpl(path: string): ExactStat | undefined {
    const at = this.tryParentOf(path);
    const entry = at === undefined ? undefined : this.entries.get(at);
    if (!entry) return undefined;
    const times = entry.kind === 'file' ? { mtimeNs: entry.mtimeNs, ctimeNs: entry.ctimeNs, ino: entry.ino } : { mtimeNs: 0n, ctimeNs: 0n, ino: 0n };
    return { ...statOf(entry), ...times };
  }

  /** utimes(2) of a regular file: sets its modification time (its change time becomes now, as on a real system). */
  setMtime(path: string, mtimeNs: bigint): void {
    const at = this.parentOf(path);
    const entry = this.entries.get(at);
    if (entry?.kind !== 'file') throw new HostError('ENOENT', path);
    entry.mtimeNs = mtimeNs;
    entry.ctimeNs = this.nowNs();
  }

  private nowNs(): bigint {
    return BigInt(this.clock.getTime()) * 1_000_000n;
  }

  stat(path: string): FileStat | undefined {
    let at: string;
    try {
      at = this.resolve(path);
    } catch (e) {
      if (e instanceof HostError && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
      throw e;
    }
    const entry = this.entries.get(at);
    return entry && statOf(entry);
  }

  readdir(path: string): string[] {
    const dir = this.resolve(path);
    const entry = this.entries.get(dir);
    if (!entry) throw new HostError('ENOENT', path);
    if (entry.kind !== 'directory') throw new HostError('ENOTDIR', path);
    const prefix = dir === '/' ? '/' : `${dir}/`;
    return [...this.entries.keys()].filter((p) => p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')).map((p) => p.slice(prefix.length)).sort();
  }

  readdirKinds(path: string): Array<{ name: string; kind: FileStat['kind'] }> {
    const dir = this.resolve(path);
    const prefix = dir === '/' ? '/' : `${dir}/`;
    return this.readdir(path).map((name) => ({ name, kind: this.entries.get(prefix + name)!.kind }));
  }

  mkdir(path: string, mode = 0o755): void {
    const parts = normalize(path).split('/').filter(Boolean);
    let current = '';
    for (const part of parts) {
      current = this.resolve(`${current}/${part}`, { mustExist: false });
      const entry = this.entries.get(current);
      if (!entry) this.entries.set(current, { kind: 'directory', mode });
      else if (entry.kind !== 'directory') throw new HostError(entry.kind === 'file' ? 'EEXIST' : 'ENOTDIR', path);
    }
  }

  writeFile(path: string, content: string, options: WriteOptions): void {
    const at = this.parentOf(path);
    const existing = this.entries.get(at);
    if (options.exclusive && existing) throw new HostError('EEXIST', path); // a symlink too: O_EXCL|O_NOFOLLOW
    const target = existing?.kind === 'symlink' ? this.resolve(path, { mustExist: false }) : at;
    const entry = this.entries.get(target);
    if (entry?.kind === 'directory') throw new HostError('EISDIR', path);
    const now = this.nowNs();
    // an existing file keeps its mode and inode (O_TRUNC)
    const ino = entry?.kind === 'file' ? entry.ino : this.machine.nextIno++;
    this.entries.set(target, { kind: 'file', content, mode: entry?.kind === 'file' ? entry.mode : options.mode, ino, mtimeNs: now, ctimeNs: now });
  }

  rename(from: string, to: string): void {
    const source = this.parentOf(from);
    const entry = this.entries.get(source);
    if (!entry) throw new HostError('ENOENT', from);
    const target = this.parentOf(to);
    if (source === target) return;
    const existing = this.entries.get(target);
    if (entry.kind === 'directory') {
      if (target.startsWith(`${source}/`)) throw new HostError('EINVAL', to);
      if (existing && existing.kind !== 'directory') throw new HostError('ENOTDIR', to);
      if (existing && this.readdir(target).length) throw new HostError('ENOTEMPTY', to);
    } else if (existing?.kind === 'directory') {
      throw new HostError('EISDIR', to);
    }
    // a directory moves with everything in it
    const moved = [...this.entries].filter(([path]) => path === source || path.startsWith(`${source}/`));
    for (const [path] of moved) this.entries.delete(path);
    this.entries.delete(target);
    for (const [path, value] of moved) this.entries.set(target + path.slice(source.length), value);
    if (entry.kind === 'file') entry.ctimeNs = this.nowNs(); // rename(2) changes the file's ctime, as Linux filesystems do
  }

  /** A hard link; the two names share the entry until one of them is replaced. */
  link(from: string, to: string): void {
    const entry = this.entries.get(this.parentOf(from));
    if (!entry) throw new HostError('ENOENT', from);
    if (entry.kind === 'directory') throw new HostError('EPERM', from);
    const target = this.parentOf(to);
    if (this.entries.has(target)) throw new HostError('EEXIST', to);
    this.entries.set(target, entry);
  }

  chmod(path: string, mode: number): void {
    const at = this.resolve(path);
    const entry = this.entries.get(at);
    if (!entry || entry.kind === 'symlink') throw new HostError('ENOENT', path);
    this.entries.set(at, entry.kind === 'file' ? { ...entry, mode, ctimeNs: this.nowNs() } : { ...entry, mode });
  }

  unlink(path: string): void {
    const at = this.parentOf(path);
    const entry = this.entries.get(at);
    if (!entry) throw new HostError('ENOENT', path);
    if (entry.kind === 'directory') throw new HostError('EISDIR', path);
    this.entries.delete(at);
  }

  rmdir(path: string): void {
    const at = this.parentOf(path);
    const entry = this.entries.get(at);
    if (!entry) throw new HostError('ENOENT', path);
    if (entry.kind !== 'directory') throw new HostError('ENOTDIR', path);
    if (this.readdir(at).length) throw new HostError('ENOTEMPTY', path);
    this.entries.delete(at);
  }

  /** The path with its parent directories' symlinks resolved; the last component is left as it is. */
  private parentOf(path: string): string {
    const normalized = normalize(path);
    if (normalized === '/') return '/';
    const parent = this.resolve(posix.dirname(normalized));
    const entry = this.entries.get(parent);
    if (!entry) throw new HostError('ENOENT', path);
    if (entry.kind !== 'directory') throw new HostError('ENOTDIR', path);
    return posix.join(parent, posix.basename(normalized));
  }

  private tryParentOf(path: string): string | undefined {
    try {
      return this.parentOf(path);
    } catch (e) {
      if (e instanceof HostError && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return undefined;
      throw e;
    }
  }

  /** Every symlink on the way resolved, as the kernel does. */
  private resolve(path: string, options: { mustExist?: boolean } = {}, depth = 0): string {
    if (depth > MAX_LINKS) throw new HostError('ELOOP', path);
    const parts = normalize(path).split('/').filter(Boolean);
    let current = '/';
    for (const [i, part] of parts.entries()) {
      const next = posix.join(current, part);
      const entry = this.entries.get(next);
      const last = i === parts.length - 1;
      if (!entry) {
        if (last && options.mustExist === false) return next;
        throw new HostError('ENOENT', path);
      }
      if (entry.kind === 'symlink') {
        const target = posix.isAbsolute(entry.target) ? entry.target : posix.join(current, entry.target);
        current = this.resolve(target, last ? options : {}, depth + 1);
      } else {
        if (!last && entry.kind !== 'directory') throw new HostError('ENOTDIR', path);
        current = next;
      }
    }
    return current;
  }
}

function normalize(path: string): string {
  if (!posix.isAbsolute(path)) throw new Error(`MemoryHost: not an absolute path: ${path}`);
  return posix.normalize(path).replace(/\/+$/, '') || '/';
}

function statOf(entry: Entry): FileStat {
  if (entry.kind === 'symlink') return { kind: 'symlink', mode: 0o777, size: entry.target.length };
  return { kind: entry.kind, mode: entry.mode, size: entry.kind === 'file' ? Buffer.byteLength(entry.content) : 0 };
}
