import { join } from 'node:path';
import { errorCode, type ExactStat, type FileKind, type FileStat, type Host } from './host.js';

// A directory meshgen owns (out/, pki/), reached only through real directories. A pull
// request can plant a symlink anywhere in a checkout, so every path below the root is walked
// component by component with lstat: a symlink, at the root or on the way, is never
// followed, and the caller reports it by name. Files are read with O_NOFOLLOW|O_NONBLOCK, so
// a link (or a FIFO) put in place after the walk is still not followed (or waited on).
//
// What this cannot close: a process that swaps a checked directory for a symlink between the
// lstat and the open (Node has no openat(2)). The threat here is a hostile checkout, which is
// static; a hostile process running beside meshgen is out of scope.

export type OwnedPathProblem = 'symlink' | 'not-a-directory' | 'not-a-file';

/** A path meshgen must not use: `rel` names the offending entry ('' for the root itself). */
export class OwnedPathError extends Error {
  constructor(
    readonly problem: OwnedPathProblem,
    readonly rel: string,
    readonly root: string,
  ) {
    super(`${problem}: ${rel ? join(root, rel) : root}`);
  }
}

export class OwnedTree {
  /** directories (and '' for the root) already found to be real directories, when remembered */
  private verifiedDirs?: Set<string>;
  /** what each directory holds (name → kind), when remembered: read once per directory */
  private listings?: Map<string, Map<string, FileKind> | undefined>;

  constructor(
    readonly host: Host,
    /** absolute */
    readonly root: string,
  ) {}

  /**
   * For a pass that only reads (a build's comparison with out/, under its lock): each
   * directory on the way is checked once, not again for every file below it. A directory
   * found absent is not remembered. Returns this tree.
   */
  rememberDirectories(): this {
    this.verifiedDirs = new Set();
    this.listings = new Map();
    return this;
  }

  /** The absolute path of `rel` ('' is the root). */
  path(rel: string): string {
    return rel ? join(this.root, rel) : this.root;
  }

  /** What the root is: undefined when absent; a symlink or a non-directory throws. */
  rootStat(): FileStat | undefined {
    const stat = this.host.lstat(this.root);
    if (stat?.kind === 'symlink') throw new OwnedPathError('symlink', '', this.root);
    if (stat && stat.kind !== 'directory') throw new OwnedPathError('not-a-directory', '', this.root);
    return stat;
  }

  /**
   * What is at `rel` itself (a symlink there is returned as one, not followed), or undefined
   * when it or one of its parents is absent. A symlink or a file in place of the root or of a
   * parent directory throws.
   */
  lstat(rel: string): FileStat | undefined {
    if (!this.parentsAreDirectories(rel)) return undefined;
    return this.host.lstat(this.path(rel));
  }

  /**
   * lstatExact of `rel` (nanosecond times, inode), with the parents checked as lstat does;
   * undefined when absent or when the host cannot tell.
   */
  lstatExact(rel: string): ExactStat | undefined {
    if (!this.host.lstatExact || !this.parentsAreDirectories(rel)) return undefined;
    return this.host.lstatExact(this.path(rel));
  }

  /** The problem on the way to `rel`, including `rel` itself being a symlink, or undefined. */
  problemOf(rel: string): OwnedPathError | undefined {
    try {
      if (this.lstat(rel)?.kind === 'symlink') return new OwnedPathError('symlink', rel, this.root);
      return undefined;
    } catch (e) {
      if (e instanceof OwnedPathError) return e;
      throw e;
    }
  }

  /** The text of the regular file at `rel`; undefined when absent. A link or a non-file throws. */
  read(rel: string): string | undefined {
    const stat = this.lstat(rel);
    if (!stat) return undefined;
    if (stat.kind === 'symlink') throw new OwnedPathError('symlink', rel, this.root);
    if (stat.kind !== 'file') throw new OwnedPathError('not-a-file', rel, this.root);
    try {
      return this.host.readFileNoFollow(this.path(rel));
    } catch (e) {
      const code = errorCode(e);
      if (code === 'ENOENT') return undefined;
      if (code === 'ELOOP' || code === 'EMLINK') throw new OwnedPathError('symlink', rel, this.root);
      if (code === 'ENOTREG' || code === 'EISDIR') throw new OwnedPathError('not-a-file', rel, this.root);
      throw e;
    }
  }

  /**
   * What is at `rel` (a symlink is one, never followed), or undefined when it or a parent is
   * absent; a symlink or a file in place of a parent throws. In a pass that remembers
   * directories, from one listing of each directory rather than an lstat of each entry.
   */
  kindOf(rel: string): FileKind | undefined {
    const slash = rel.lastIndexOf('/');
    const listing = this.listing(slash < 0 ? '' : rel.slice(0, slash));
    if (listing === 'unlisted') return this.lstat(rel)?.kind;
    return listing?.get(slash < 0 ? rel : rel.slice(slash + 1));
  }

  /**
   * Entry names and kinds of the directory at `rel` (sorted); empty when it is absent. A
   * symlink or a non-directory at `rel` or on the way throws.
   */
  readdirKinds(rel: string): Array<{ name: string; kind: FileKind }> {
    const listing = this.listing(rel);
    if (listing === 'unlisted') return this.readdir(rel).map((name) => ({ name, kind: this.lstat(rel ? `${rel}/${name}` : name)?.kind ?? 'other' }));
    return listing ? [...listing].map(([name, kind]) => ({ name, kind })) : [];
  }

  /** The remembered listing of directory `rel`, undefined when absent, 'unlisted' when this tree does not list. */
  private listing(dir: string): Map<string, FileKind> | undefined | 'unlisted' {
    if (!this.listings || !this.host.readdirKinds) return 'unlisted';
    if (this.listings.has(dir)) return this.listings.get(dir);
    const stat = dir === '' ? this.rootStat() : this.lstat(dir);
    let listing: Map<string, FileKind> | undefined;
    if (stat) {
      if (stat.kind === 'symlink') throw new OwnedPathError('symlink', dir, this.root);
      if (stat.kind !== 'directory') throw new OwnedPathError('not-a-directory', dir, this.root);
      listing = new Map(this.host.readdirKinds(this.path(dir)).map((e) => [e.name, e.kind]));
    }
    this.listings.set(dir, listing);
    return listing;
  }

  /** Entry names of the directory at `rel` (sorted); empty when it is absent. */
  readdir(rel: string): string[] {
    const stat = this.lstat(rel);
    if (!stat) return [];
    if (stat.kind === 'symlink') throw new OwnedPathError('symlink', rel, this.root);
    if (stat.kind !== 'directory') throw new OwnedPathError('not-a-directory', rel, this.root);
    return this.host.readdir(this.path(rel));
  }

  /**
   * Creates the directory `rel` and its missing parents (the root too), one at a time, each
   * with exactly `mode` whatever the umask; an existing one is left as it is. Returns the
   * directories it created, outermost first.
   */
  ensureDir(rel: string, mode: number): string[] {
    const created: string[] = [];
    if (!this.rootStat()) {
      this.host.mkdir(this.root, mode);
      this.host.chmod(this.root, mode);
      created.push('');
    }
    let current = '';
    for (const segment of rel.split('/').filter(Boolean)) {
      current = current ? `${current}/${segment}` : segment;
      const stat = this.host.lstat(this.path(current));
      if (stat?.kind === 'symlink') throw new OwnedPathError('symlink', current, this.root);
      if (stat && stat.kind !== 'directory') throw new OwnedPathError('not-a-directory', current, this.root);
      if (!stat) {
        this.host.mkdir(this.path(current), mode);
        this.host.chmod(this.path(current), mode);
        created.push(current);
      }
    }
    return created;
  }

  /**
   * Removes `rel` and everything in it, never following a link: a symlink inside is removed
   * as a link. Only for meshgen's own work directories. Absent is fine; '' is the root itself.
   */
  removeTree(rel: string): void {
    const stat = this.lstat(rel);
    if (!stat) return;
    if (stat.kind !== 'directory') {
      this.host.unlink(this.path(rel));
      return;
    }
    for (const name of this.host.readdir(this.path(rel))) this.removeTree(rel ? `${rel}/${name}` : name);
    this.host.rmdir(this.path(rel));
  }

  /** Removes `rel`'s parent directories that are empty, innermost first, up to (not including) the root. */
  removeEmptyParents(rel: string): void {
    const segments = rel.split('/');
    for (let depth = segments.length - 1; depth > 0; depth--) {
      const dir = segments.slice(0, depth).join('/');
      const stat = this.lstat(dir);
      if (stat?.kind !== 'directory' || this.host.readdir(this.path(dir)).length > 0) return;
      try {
        this.host.rmdir(this.path(dir));
      } catch {
        return;
      }
    }
  }

  /** True when the root and every directory on the way to `rel` is a real directory; false when one is absent. */
  private parentsAreDirectories(rel: string): boolean {
    const verified = this.verifiedDirs;
    const slash = rel.lastIndexOf('/');
    if (verified?.has(slash < 0 ? '' : rel.slice(0, slash))) return true;
    if (!verified?.has('')) {
      if (!this.rootStat()) return false;
      verified?.add('');
    }
    const segments = rel.split('/').filter(Boolean);
    let current = '';
    for (const segment of segments.slice(0, -1)) {
      current = current ? `${current}/${segment}` : segment;
      if (verified?.has(current)) continue;
      const stat = this.host.lstat(this.path(current));
      if (!stat) return false;
      if (stat.kind === 'symlink') throw new OwnedPathError('symlink', current, this.root);
      if (stat.kind !== 'directory') throw new OwnedPathError('not-a-directory', current, this.root);
      verified?.add(current);
    }
    return true;
  }
}
