import { posix, resolve } from 'node:path';
import { compareText, error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import type { ExactStat, Host } from '../host/host.js';
import { OwnedPathError, OwnedTree } from '../host/owned-tree.js';
import { OwnedPathProblems } from '../host/owned-path-diagnostic.js';
import { MANIFEST_PATH, manifestContent, parseManifest } from './manifest.js';
import type { OutputFile, OutputSet } from '../resource/output-files.js';
import { JOURNAL_PATH, STAGING_DIR, STAT_CACHE_PATH, STAT_CACHE_TEMP_PATH, isPrivatePath, ownedDirs } from '../resource/out-layout.js';
import type { StatCache } from './stat-cache.js';
import { JournalError, JournalView, PRIVATE_DIR_MODE, readJournal } from './journal.js';

// What a build would change in out/: every rendered file compared with what is on disk,
// the files of the previous manifest that are no longer rendered (to prune), files nobody
// wrote in the directories meshgen owns, and temporary files an older meshgen left behind.
// Everything is read through OwnedTree: no symlink is followed, each one met is reported.

export type ChangeKind = 'added' | 'changed' | 'removed' | 'unchanged';

export interface FileChange {
  path: string;
  kind: ChangeKind;
  private: boolean;
  /** what is on disk now, for a public file that is changed or removed (for --check's diff) */
  before?: string;
  /** a temporary file of an interrupted build (`<file>.meshgen-tmp-<pid>`): removed, never shown */
  leftover?: boolean;
}

export interface OutputDiff {
  changes: FileChange[];
  /** private files whose content was not compared (`--check` only) */
  uncompared: string[];
  /** files meshgen did not write in directories it owns: reported, never removed */
  unknown: string[];
  /** `--check` only: a publication was interrupted; `changes` compare with the tree it publishes */
  interrupted: boolean;
  /** `--check` only: out/.meshgen-staging holds what a killed build staged; the next build removes it */
  staleStaging: boolean;
}

export const PRIVATE_MODE = 0o600;
export const PUBLIC_MODE = 0o644;
export const EXECUTABLE_MODE = 0o755;

export function modeOf(file: OutputFile): number {
  return file.private ? PRIVATE_MODE : file.executable ? EXECUTABLE_MODE : PUBLIC_MODE;
}

/** Adds the manifest to the rendered set; the manifest lists every other file. */
export function withManifest(files: OutputSet, review?: unknown): OutputSet {
  const all: OutputSet = new Map(files);
  all.set(MANIFEST_PATH, { path: MANIFEST_PATH, content: manifestContent(files.keys(), review), private: false });
  return all;
}

export interface DiffOptions {
  /** `--check`: write nothing, leave private files uncompared, read a pending journal's tree */
  checkOnly: boolean;
  /** the clusters of the mesh, whose owned directories are scanned for unknown files */
  clusters: readonly string[];
  /**
   * the stat cache (stat-cache.ts): a file whose lstat matches its record is compared by hash,
   * without being read; every file found unchanged is recorded in it
   */
  cache?: StatCache;
}

/**
 * Compares what was rendered with what is in outDir. `checkOnly` leaves private files
 * uncompared: under secrets.mode plain they are git-ignored, so a CI checkout has none.
 */
export function diffOutput(host: Host, outDir: string, files: OutputSet, options: DiffOptions): { diff: OutputDiff; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const diff: OutputDiff = { changes: [], uncompared: [], unknown: [], interrupted: false, staleStaging: false };
  const problems = new OwnedPathProblems(outDir);
  const tree = new OwnedTree(host, resolve(outDir)).rememberDirectories(); // diffOutput only reads
  const result = () => ({ diff, diagnostics: [...problems.diagnostics, ...diagnostics] });

  try {
    if (!tree.rootStat()) {
      for (const file of sortedFiles(files)) {
        if (file.private && (options.checkOnly || file.content === undefined)) diff.uncompared.push(file.path);
        else if (file.content === undefined && !options.checkOnly) diff.uncompared.push(file.path);
        else diff.changes.push({ path: file.path, kind: 'added', private: file.private });
      }
      return result();
    }
  } catch (e) {
    if (!(e instanceof OwnedPathError)) throw e;
    if (e.problem === 'symlink') problems.add(e);
    else diagnostics.push(error(Codes.OutputUnwritable, `${outDir} is a file, not a directory`, { hint: 'name a directory with --out (it is created if missing)' }));
    return result();
  }

  let journal;
  try {
    journal = readJournal(tree);
  } catch (e) {
    if (e instanceof OwnedPathError) problems.add(e);
    else if (e instanceof JournalError) diagnostics.push(journalUnreadable(outDir, e));
    else throw e;
    return result();
  }
  // a build finishes a pending journal before it diffs (publish.ts); only --check meets one here
  diff.interrupted = journal !== undefined;
  const staging = tree.problemOf(STAGING_DIR); // where a build writes: a link there fails the build, so --check says so too
  if (staging) problems.add(staging);
  diff.staleStaging = journal === undefined && tree.lstat(STAGING_DIR) !== undefined;
  const view = new JournalView(tree, journal);
  const guarded = <T>(read: () => T): T | OwnedPathError => {
    try {
      return read();
    } catch (e) {
      if (e instanceof OwnedPathError) {
        problems.add(e);
        return e;
      }
      throw e;
    }
  };

  // a pending journal (--check only) means out/ is read through it: no cache then
  const cache = journal === undefined ? options.cache : undefined;
  const dirModes = new Map<string, number | undefined>();
  const dirMode = (dir: string) => {
    if (!dirModes.has(dir)) dirModes.set(dir, tree.lstat(dir)?.mode);
    return dirModes.get(dir);
  };
  for (const file of sortedFiles(files)) {
    // a link on the way is an error even where nothing is read: the build would write there
    if (file.private && (options.checkOnly || file.content === undefined)) {
      // nothing of it is read: what it is comes from its directory's listing, read once
      const kind = guarded(() => tree.kindOf(file.path));
      if (kind instanceof OwnedPathError) continue;
      if (kind === 'symlink') problems.add(new OwnedPathError('symlink', file.path, tree.root));
      else diff.uncompared.push(file.path);
      continue;
    }
    let exact: ExactStat | undefined;
    if (cache) {
      const stat = guarded(() => tree.lstatExact(file.path));
      if (stat instanceof OwnedPathError) continue;
      if (stat?.kind === 'symlink') {
        problems.add(new OwnedPathError('symlink', file.path, tree.root));
        continue;
      }
      exact = stat;
    } else {
      const problem = tree.problemOf(file.path);
      if (problem) {
        problems.add(problem);
        continue;
      }
    }
    // the stat cache: a file whose lstat is the recorded one holds the recorded bytes
    if (cache && exact?.kind === 'file' && file.content !== undefined) {
      const hash = cache.hashOf(file.content);
      if (cache.trusted(file.path, exact) === hash) {
        const modeOk = !(file.private || file.executable) || exact.mode === modeOf(file);
        const dirOk = !file.private || dirMode(posix.dirname(file.path)) === PRIVATE_DIR_MODE;
        if (modeOk && dirOk) cache.record(file.path, exact, hash);
        diff.changes.push({ path: file.path, kind: modeOk && dirOk ? 'unchanged' : 'changed', private: file.private, ...(modeOk && dirOk ? {} : file.private ? {} : { before: file.content }) });
        continue;
      }
    }
    const onDisk = guarded(() => view.read(file.path));
    if (onDisk instanceof OwnedPathError) continue;
    // an encrypted file (secrets.mode sops, sealed-secrets) whose plaintext is not at hand:
    // where it exists it is left as it is; where it is missing, --check reports it
    if (file.content === undefined) {
      if (onDisk === undefined && options.checkOnly) diff.changes.push({ path: file.path, kind: 'added', private: false });
      else diff.uncompared.push(file.path);
      continue;
    }
    let kind: ChangeKind = onDisk === undefined ? 'added' : onDisk === file.content ? 'unchanged' : 'changed';
    // a private file must stay 0600 in a 0700 directory and a script executable: a wrong mode is a change to make
    if (kind === 'unchanged' && (file.private || file.executable) && view.mode(file.path) !== modeOf(file)) kind = 'changed';
    if (kind === 'unchanged' && file.private && dirMode(posix.dirname(file.path)) !== PRIVATE_DIR_MODE) kind = 'changed';
    if (kind === 'unchanged' && cache && exact?.kind === 'file') cache.record(file.path, exact, cache.hashOf(file.content)); // the stat from before the read
    diff.changes.push({ path: file.path, kind, private: file.private, ...(kind === 'changed' && !file.private ? { before: onDisk } : {}) });
  }

  const manifestText = guarded(() => view.read(MANIFEST_PATH));
  let previous: string[] = [];
  if (typeof manifestText === 'string') {
    const listed = parseManifest(manifestText);
    if (!listed) {
      diagnostics.push(
        error(Codes.ManifestUnreadable, `${posix.join(outDir, MANIFEST_PATH)} is not a meshgen manifest`, {
          hint: 'meshgen uses it to know which files it may remove; restore it from git, or delete it (then nothing old is pruned)',
        }),
      );
    } else {
      previous = listed;
      for (const path of listed) {
        if (files.has(path)) continue;
        const problem = tree.problemOf(path);
        if (problem) {
          problems.add(problem);
          continue;
        }
        if (!view.exists(path)) continue; // gone, or something else is there now: not meshgen's to remove
        const isPrivate = isPrivatePath(path);
        // a private file is pruned by name: its content is never read, so never shown
        const onDisk = isPrivate ? '' : guarded(() => view.read(path));
        if (typeof onDisk !== 'string') continue;
        diff.changes.push({ path, kind: 'removed', private: isPrivate, ...(isPrivate ? {} : { before: onDisk }) });
      }
    }
  } else if (manifestText === undefined && hasEntries(tree)) {
    diagnostics.push(
      warning(Codes.ManifestMissing, `${outDir} has files but no ${MANIFEST_PATH}`, {
        hint: 'meshgen will write its files beside them and remove none of them',
      }),
    );
  }

  const known = new Set([...files.keys(), ...previous, ...view.removals]);
  const scanned = guarded(() => scanForeignFiles(tree, known, options.clusters));
  if (!(scanned instanceof OwnedPathError)) {
    diff.unknown = scanned.unknown;
    for (const path of scanned.leftovers) diff.changes.push({ path, kind: 'removed', private: true, leftover: true });
    if (!options.checkOnly) {
      for (const path of scanned.unknown) {
        diagnostics.push(
          warning(Codes.UnknownOutputFile, `${posix.join(outDir, path)} was not written by meshgen, in a directory a GitOps tool applies as a whole`, {
            hint: 'meshgen leaves it in place; remove it or move it out of out/ unless it is meant to be applied with the rest',
          }),
        );
      }
    }
  }
  diff.changes.sort((a, b) => compareText(a.path, b.path));
  return result();
}

function sortedFiles(files: OutputSet): OutputFile[] {
  return [...files.values()].sort((a, b) => compareText(a.path, b.path));
}

export function journalUnreadable(outDir: string, e: JournalError): Diagnostic {
  return error(Codes.JournalUnreadable, `${posix.join(outDir, JOURNAL_PATH)} is not a journal meshgen wrote: ${e.message}`, {
    hint: `meshgen finishes an interrupted build from it; it acts on nothing else. Remove it (and ${posix.join(outDir, STAGING_DIR)}/) and rebuild`,
  });
}

const LEFTOVER = /^(.+)\.meshgen-tmp-\d+$/;
const LEFTOVER_MARK = '.meshgen-tmp-';

/**
 * Files in out/ that meshgen did not write, where it matters: in the directories it owns,
 * every entry that is not a known path (a link is reported, not followed); and next to any
 * known path, the `<path>.meshgen-tmp-<pid>` files that older builds left when killed.
 */
function scanForeignFiles(tree: OwnedTree, known: ReadonlySet<string>, clusters: readonly string[]): { unknown: string[]; leftovers: string[] } {
  const unknown = new Set<string>();
  const leftovers = new Set<string>();
  const visit = (path: string) => {
    const match = path.includes(LEFTOVER_MARK) ? LEFTOVER.exec(path) : null; // the test first: the pattern backtracks on every path
    if (match && known.has(match[1])) leftovers.add(path);
    else if (!known.has(path)) unknown.add(path);
  };
  const walk = (dir: string) => {
    for (const { name, kind } of tree.readdirKinds(dir)) {
      const path = `${dir}/${name}`;
      if (kind === 'directory') walk(path);
      else visit(path);
    }
  };
  for (const dir of ownedDirs(clusters)) {
    const stat = tree.lstat(dir);
    if (stat?.kind === 'directory') walk(dir);
    else if (stat) unknown.add(dir); // a link or a file where meshgen keeps a directory
  }
  const knownDirs = new Set([...known].map((p) => posix.dirname(p)));
  for (const dir of knownDirs) {
    const stat = dir === '.' ? tree.rootStat() : tree.lstat(dir);
    if (stat?.kind !== 'directory') continue;
    for (const { name, kind } of tree.readdirKinds(dir === '.' ? '' : dir)) {
      if (!name.includes(LEFTOVER_MARK)) continue;
      const path = dir === '.' ? name : `${dir}/${name}`;
      const match = LEFTOVER.exec(path);
      if (match && known.has(match[1]) && kind === 'file') leftovers.add(path);
    }
  }
  for (const path of leftovers) unknown.delete(path);
  return { unknown: [...unknown].sort(compareText), leftovers: [...leftovers].sort(compareText) };
}

/** Entries of out/ other than meshgen's own work files and stat cache. */
function hasEntries(tree: OwnedTree): boolean {
  return tree.readdir('').some((name) => name !== STAGING_DIR && name !== JOURNAL_PATH && name !== STAT_CACHE_PATH && name !== STAT_CACHE_TEMP_PATH);
}
