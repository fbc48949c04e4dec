import { dirname, join } from 'node:path';
import { compareText, error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { errorCode, type Host } from '../host/host.js';
import { MANIFEST_PATH, manifestContent, parseManifest } from './manifest.js';
import type { OutputFile, OutputSet } from '../resource/output-files.js';
import { isPrivatePath } from '../resource/out-layout.js';

export type ChangeKind = 'added' | 'changed' | 'removed' | 'unchanged';

export interface FileChange {
  path: string;
  kind: ChangeKind;
  private: boolean;
  /** what is on disk now, for a public file that is changed or removed (for --check's diff) */
  before?: string;
}

export interface OutputDiff {
  changes: FileChange[];
  /** private files whose content was not compared (`--check` only) */
  uncompared: string[];
}

const PRIVATE_MODE = 0o600;
const PUBLIC_MODE = 0o644;
const EXECUTABLE_MODE = 0o755;

function modeOf(file: OutputFile): number {
  return file.private ? PRIVATE_MODE : file.executable ? EXECUTABLE_MODE : PUBLIC_MODE;
}

/** Adds the manifest to the rendered set; the manifest lists every other file. */
export function withManifest(files: OutputSet): OutputSet {
  const all: OutputSet = new Map(files);
  all.set(MANIFEST_PATH, { path: MANIFEST_PATH, content: manifestContent(files.keys()), private: false });
  return all;
}

/**
 * Compares what was rendered with what is in outDir. `checkOnly` leaves private files
 * uncompared: under secrets.mode plain they are git-ignored, so a CI checkout has none.
 */
export function diffOutput(host: Host, outDir: string, files: OutputSet, checkOnly: boolean): { diff: OutputDiff; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const changes: FileChange[] = [];
  const uncompared: string[] = [];
  if (isNonDirectory(host, outDir)) {
    diagnostics.push(error(Codes.OutputUnwritable, `${outDir} is a file, not a directory`, { hint: 'name a directory with --out (it is created if missing)' }));
    return { diff: { changes, uncompared }, diagnostics };
  }

  for (const file of [...files.values()].sort((a, b) => compareText(a.path, b.path))) {
    if (file.private && (checkOnly || file.content === undefined)) {
      uncompared.push(file.path);
      continue;
    }
    const onDisk = readIfPresent(host, join(outDir, file.path));
    if (onDisk === NOT_A_FILE) {
      diagnostics.push(error(Codes.OutputUnwritable, `${join(outDir, file.path)} is in the way: meshgen writes a file there`, { hint: 'move it aside; meshgen never removes what it did not write' }));
      continue;
    }
    let kind: ChangeKind = onDisk === undefined ? 'added' : onDisk === file.content ? 'unchanged' : 'changed';
    // a private file must stay 0600 and a script executable: a wrong mode is a change to make
    if (kind === 'unchanged' && (file.private || file.executable) && host.stat(join(outDir, file.path))?.mode !== modeOf(file)) kind = 'changed';
    changes.push({ path: file.path, kind, private: file.private, ...(kind === 'changed' && !file.private ? { before: onDisk } : {}) });
  }

  const manifestText = readIfPresent(host, join(outDir, MANIFEST_PATH));
  if (typeof manifestText === 'string') {
    const previous = parseManifest(manifestText);
    if (!previous) {
      diagnostics.push(
        error(Codes.ManifestUnreadable, `${join(outDir, MANIFEST_PATH)} is not a meshgen manifest`, {
          hint: 'meshgen uses it to know which files it may remove; restore it from git, or delete it (then nothing old is pruned)',
        }),
      );
    } else {
      for (const path of previous) {
        if (files.has(path)) continue;
        const onDisk = readIfPresent(host, join(outDir, path));
        if (typeof onDisk !== 'string') continue;
        const isPrivate = isPrivatePath(path);
        changes.push({ path, kind: 'removed', private: isPrivate, ...(isPrivate ? {} : { before: onDisk }) });
      }
    }
  } else if (hasEntries(host, outDir)) {
    diagnostics.push(
      warning(Codes.ManifestMissing, `${outDir} has files but no ${MANIFEST_PATH}`, {
        hint: 'meshgen will write its files beside them and remove none of them',
      }),
    );
  }
  changes.sort((a, b) => compareText(a.path, b.path));
  return { diff: { changes, uncompared }, diagnostics };
}

/**
 * Writes the diff. Every new or changed file is first written beside its target; only when
 * all of them are on disk are they renamed into place (the manifest last) and old files
 * pruned. A failure while writing therefore leaves out/ exactly as it was.
 */
export function writeOutput(host: Host, outDir: string, files: OutputSet, diff: OutputDiff): Diagnostic[] {
  const toWrite = diff.changes.filter((c) => c.kind === 'added' || c.kind === 'changed');
  toWrite.sort((a, b) => Number(a.path === MANIFEST_PATH) - Number(b.path === MANIFEST_PATH));
  const staged: { temp: string; target: string; mode: number }[] = [];
  try {
    for (const change of toWrite) {
      const file = files.get(change.path);
      if (file?.content === undefined) throw new Error(`internal: no content for ${change.path}`);
      const target = join(outDir, change.path);
      const temp = `${target}.meshgen-tmp-${process.pid}`;
      const mode = modeOf(file);
      host.mkdir(dirname(target));
      host.writeFile(temp, file.content, { mode });
      staged.push({ temp, target, mode });
    }
  } catch (e) {
    for (const { temp } of staged) tryUnlink(host, temp);
    return [error(Codes.OutputUnwritable, `cannot write to ${outDir}: ${(e as Error).message}`, { hint: 'nothing in it was changed; check permissions and free space' })];
  }
  for (const { temp, target, mode } of staged) {
    host.rename(temp, target);
    host.chmod(target, mode); // umask-proof
  }
  for (const change of diff.changes.filter((c) => c.kind === 'removed')) {
    tryUnlink(host, join(outDir, change.path));
    removeEmptyParents(host, outDir, dirname(join(outDir, change.path)));
  }
  return [];
}

const NOT_A_FILE = Symbol('not a file');

/** The file's text; undefined when absent; NOT_A_FILE when a directory (or a file in place of a parent directory) is in the way. */
function readIfPresent(host: Host, path: string): string | undefined | typeof NOT_A_FILE {
  try {
    return host.readFile(path);
  } catch (e) {
    const code = errorCode(e);
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR' || code === 'ENOTDIR') return NOT_A_FILE;
    throw e;
  }
}

function isNonDirectory(host: Host, path: string): boolean {
  const stat = host.stat(path);
  return stat !== undefined && stat.kind !== 'directory'; // absent: created on write
}

function hasEntries(host: Host, dir: string): boolean {
  try {
    return host.readdir(dir).length > 0;
  } catch {
    return false;
  }
}

function tryUnlink(host: Host, path: string): void {
  try {
    host.unlink(path);
  } catch {
    // already gone
  }
}

/** Directories emptied by pruning go too, up to (not including) outDir. */
function removeEmptyParents(host: Host, outDir: string, dir: string): void {
  let current = dir;
  while (current.length > outDir.length && current.startsWith(outDir)) {
    if (hasEntries(host, current)) return;
    try {
      host.rmdir(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}
