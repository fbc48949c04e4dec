import { posix } from 'node:path';
import { compareText } from '../diagnostics/diagnostic.js';
import type { OwnedTree } from '../host/owned-tree.js';
import { JOURNAL_PATH, MANIFEST_PATH, STAGING_DIR, isPrivatePath } from '../resource/out-layout.js';
import { isSafeRelativePath } from './manifest.js';

// The journal of one publication of out/ (why a journal: see publish.ts). While a build
// stages, out/.meshgen-staging/ fills with numbered files; the journal lists which staged
// file becomes which path and which paths go. It is written into the staging directory,
// fsynced, and renamed to out/.meshgen-journal.json: that rename is the commit point. Then
// the renames run (the manifest last), the pruned files go, and the journal and the staging
// directory are removed. Every step can be repeated, so a build that finds a journal finishes
// it, however far the one that wrote it got.

export interface JournalFile {
  /** name in the staging directory */
  staged: string;
  /** path under out/ */
  path: string;
  mode: number;
}

export interface Journal {
  files: JournalFile[];
  remove: string[];
}

export const JOURNAL_STAGING_NAME = 'journal';
export const PUBLIC_DIR_MODE = 0o755;
export const PRIVATE_DIR_MODE = 0o700;
const FILE_MODES = new Set([0o600, 0o644, 0o755]);

export class JournalError extends Error {}

export function journalContent(journal: Journal): string {
  return JSON.stringify({ generator: 'meshgen', journal: 1, ...journal }, null, 1) + '\n';
}

/** The pending journal, or undefined when there is none; JournalError when it is not one meshgen wrote. */
export function readJournal(tree: OwnedTree): Journal | undefined {
  const text = tree.read(JOURNAL_PATH);
  if (text === undefined) return undefined;
  let value: { generator?: unknown; journal?: unknown; files?: unknown; remove?: unknown };
  try {
    value = JSON.parse(text);
  } catch {
    throw new JournalError('it is not JSON');
  }
  if (value?.generator !== 'meshgen' || value.journal !== 1 || !Array.isArray(value.files) || !Array.isArray(value.remove)) throw new JournalError('it is not a meshgen journal');
  const files: JournalFile[] = [];
  for (const f of value.files as unknown[]) {
    const { staged, path, mode } = (f ?? {}) as Partial<JournalFile>;
    if (typeof staged !== 'string' || !/^\d+$/.test(staged) || typeof path !== 'string' || !isPublishable(path) || typeof mode !== 'number' || !FILE_MODES.has(mode)) {
      throw new JournalError('it lists an entry meshgen would not write');
    }
    files.push({ staged, path, mode });
  }
  if (!value.remove.every((p): p is string => typeof p === 'string' && isPublishable(p))) throw new JournalError('it lists a path meshgen would not remove');
  return { files, remove: value.remove };
}

/** A path a journal may name: inside out/, and not one of meshgen's work files. */
function isPublishable(path: string): boolean {
  const first = path.split('/')[0];
  return isSafeRelativePath(path) && first !== STAGING_DIR && path !== JOURNAL_PATH;
}

export function stagedPath(name: string): string {
  return `${STAGING_DIR}/${name}`;
}

/**
 * Finishes a committed publication: every staged file still in the staging directory is
 * renamed into place (its directories created first), then the listed paths are removed,
 * then the journal and the staging directory. Returns how many files it moved.
 */
export function applyJournal(tree: OwnedTree, journal: Journal): number {
  let moved = 0;
  const files = [...journal.files].sort((a, b) => Number(a.path === MANIFEST_PATH) - Number(b.path === MANIFEST_PATH));
  for (const file of files) {
    const staged = stagedPath(file.staged);
    if (tree.lstat(staged)?.kind !== 'file') continue; // moved already, by this run or the one that was cut short
    ensureParent(tree, file.path);
    const target = tree.lstat(file.path);
    // a symlink at the target is replaced by rename(2), never followed; a directory is in the way
    if (target?.kind === 'directory') throw new JournalError(`${file.path} is a directory`);
    tree.host.rename(tree.path(staged), tree.path(file.path));
    moved++;
  }
  for (const path of [...journal.remove].sort(compareText)) {
    const stat = tree.lstat(path);
    if (stat && stat.kind !== 'directory') tree.host.unlink(tree.path(path));
    tree.removeEmptyParents(path);
  }
  tree.host.syncDir(tree.root);
  tree.host.unlink(tree.path(JOURNAL_PATH));
  tree.removeTree(STAGING_DIR);
  return moved;
}

/**
 * Creates the directories of `path` that are missing: public ones 0755, and the directory of
 * a private file 0700 (made so if it exists with another mode), whatever the umask.
 */
export function ensureParent(tree: OwnedTree, path: string): void {
  const dir = posix.dirname(path);
  if (dir === '.') return;
  if (!isPrivatePath(path)) {
    tree.ensureDir(dir, PUBLIC_DIR_MODE);
    return;
  }
  const outer = posix.dirname(dir);
  if (outer !== '.') tree.ensureDir(outer, PUBLIC_DIR_MODE);
  tree.ensureDir(dir, PRIVATE_DIR_MODE);
  if (tree.lstat(dir)?.mode !== PRIVATE_DIR_MODE) tree.host.chmod(tree.path(dir), PRIVATE_DIR_MODE);
}

/**
 * out/ as the pending journal will leave it, for `--check`, which never writes: a listed
 * path reads as its staged file while that is still staged, a path to remove reads as absent.
 */
export class JournalView {
  private readonly byPath: Map<string, JournalFile>;
  private readonly removed: Set<string>;

  constructor(
    private readonly tree: OwnedTree,
    journal: Journal | undefined,
  ) {
    this.byPath = new Map((journal?.files ?? []).map((f) => [f.path, f]));
    this.removed = new Set(journal?.remove ?? []);
  }

  read(path: string): string | undefined {
    const pending = this.pendingStaged(path);
    if (pending !== undefined) return this.tree.read(pending);
    if (this.removed.has(path)) return undefined;
    return this.tree.read(path);
  }

  /** The paths the pending journal removes (still on disk until it is finished). */
  get removals(): ReadonlySet<string> {
    return this.removed;
  }

  /** Whether a regular file is at `path` (never read). */
  exists(path: string): boolean {
    if (this.pendingStaged(path) !== undefined) return true;
    return !this.removed.has(path) && this.tree.lstat(path)?.kind === 'file';
  }

  mode(path: string): number | undefined {
    const pending = this.pendingStaged(path);
    return (pending !== undefined ? this.tree.lstat(pending) : this.tree.lstat(path))?.mode;
  }

  private pendingStaged(path: string): string | undefined {
    const file = this.byPath.get(path);
    if (!file) return undefined;
    const staged = stagedPath(file.staged);
    return this.tree.lstat(staged)?.kind === 'file' ? staged : undefined;
  }
}
