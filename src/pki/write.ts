import path from 'node:path';
import { compareText, error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { failureReason, type Host } from '../host/host.js';
import { OwnedPathError, OwnedTree } from '../host/owned-tree.js';
import { ownedPathDiagnostic } from '../host/owned-path-diagnostic.js';
import type { PendingWrite } from './plan.js';

// Writing CA material so that it appears whole or not at all: a root with its key, an
// intermediate with its four files. Nothing is written into place directly:
//
// - pki/ does not exist yet (a first build): the whole directory is made under a temporary
//   name beside it, `.<pki>.meshgen-staging`, and renamed to pki/ in one step.
// - pki/ exists: the new files are made in pki/.meshgen-staging/, laid out as they will be;
//   renaming that directory to pki/.meshgen-commit is the commit point. Then each new
//   cluster directory is renamed into place whole (its four files appear together), and
//   single files (a root pair in an existing pki/, a restored cert-chain.pem) are renamed one
//   by one, the key before its certificate. A build that finds .meshgen-commit finishes it
//   before it reads pki/ (recoverPki), so a run cut short between two renames is completed.
// - A staging directory without a commit was cut short before anything was published: the
//   next build removes it (it may hold keys; it is mode 0700).
//
// Files are created with O_CREAT|O_EXCL|O_NOFOLLOW and chmod'ed to their exact mode in the
// staging directory, before any of them is visible; directories are 0700. A failure (disk
// full, permissions) is a diagnostic and leaves pki/ as it was.

export const PKI_STAGING = '.meshgen-staging';
export const PKI_COMMIT = '.meshgen-commit';
const DIR_MODE = 0o700;

/** Where the pki directory is, and how diagnostics name it. */
export interface PkiTarget {
  /** absolute */
  dir: string;
  /** e.g. "examples/demo/pki" */
  display: string;
}

export interface StagedPki {
  target: PkiTarget;
  /** the directory the files were staged in (absolute) */
  staging: string;
  /** true: staging becomes pki/ itself; false: it is committed inside the existing pki/ */
  wholeDirectory: boolean;
  /** paths relative to pki/, in the order they were planned */
  files: string[];
}

/** Beside pki/: where a first build stages the whole directory. */
export function siblingStaging(dir: string): string {
  return path.join(path.dirname(dir), `.${path.basename(dir)}${PKI_STAGING}`);
}

/** Writes the planned files into a staging directory; nothing is visible in pki/ yet. */
export function stagePkiWrites(host: Host, target: PkiTarget, writes: readonly PendingWrite[]): { staged?: StagedPki; diagnostics: Diagnostic[] } {
  if (writes.length === 0) return { diagnostics: [] };
  const pki = new OwnedTree(host, target.dir);
  let staging: string | undefined;
  let created = false;
  try {
    const wholeDirectory = pki.rootStat() === undefined;
    staging = wholeDirectory ? siblingStaging(target.dir) : pki.path(PKI_STAGING);
    host.mkdir(path.dirname(staging));
    // recoverPki removed any staging directory of ours: something else made this one
    if (host.lstat(staging)) throw new Error(`${staging} exists: another program is writing there`);
    const tree = new OwnedTree(host, staging);
    tree.ensureDir('', DIR_MODE);
    created = true;
    const files: string[] = [];
    for (const write of writes) {
      const rel = path.relative(target.dir, write.path).split(path.sep).join('/');
      if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`internal: CA file outside ${target.dir}: ${write.path}`);
      tree.ensureDir(path.posix.dirname(rel), DIR_MODE);
      host.writeFile(tree.path(rel), write.content, { mode: write.mode, exclusive: true });
      host.chmod(tree.path(rel), write.mode);
      files.push(rel);
    }
    return { staged: { target, staging, wholeDirectory, files }, diagnostics: [] };
  } catch (e) {
    if (staging && created) removeQuietly(host, staging);
    return { diagnostics: [writeFailure(e, target, 'nothing was written to it')] };
  }
}

/** Stages and commits in one step, for a caller that holds the lock of the pki directory. */
export function publishPkiWrites(host: Host, target: PkiTarget, writes: readonly PendingWrite[]): { committed: string[]; diagnostics: Diagnostic[] } {
  const { staged, diagnostics } = stagePkiWrites(host, target, writes);
  if (!staged) return { committed: [], diagnostics };
  return commitStagedPki(host, staged);
}

/** A file this build would create exists already: CA material is never replaced. */
class PkiConflict extends Error {
  constructor(readonly file: string) {
    super(`${file} exists already`);
  }
}

/** Removes a staging directory that will not be committed. */
export function discardStagedPki(host: Host, staged: StagedPki): void {
  removeQuietly(host, staged.staging);
}

/**
 * Publishes staged material. Returns the files now in pki/ (relative), and a diagnostic
 * when it could not: then `committed` says what is in place anyway.
 */
export function commitStagedPki(host: Host, staged: StagedPki): { committed: string[]; diagnostics: Diagnostic[] } {
  const { target } = staged;
  try {
    if (staged.wholeDirectory) {
      host.rename(staged.staging, target.dir);
      host.syncDir(path.dirname(target.dir));
      return { committed: staged.files, diagnostics: [] };
    }
    const pki = new OwnedTree(host, target.dir);
    const existing = staged.files.find((file) => pki.lstat(file) !== undefined);
    if (existing) throw new PkiConflict(existing);
    host.rename(staged.staging, path.join(target.dir, PKI_COMMIT)); // the commit point
  } catch (e) {
    removeQuietly(host, staged.staging);
    return { committed: [], diagnostics: [writeFailure(e, target, 'nothing was written to it')] };
  }
  const applied = applyPkiCommit(host, target);
  return { committed: applied.diagnostics.length ? applied.moved : staged.files, diagnostics: applied.diagnostics };
}

/**
 * Before a build reads pki/: finishes a commit that a killed build left (pki/.meshgen-commit)
 * and removes what it staged but never committed. Returns the files it put in place.
 */
export function recoverPki(host: Host, target: PkiTarget): { recovered: string[]; diagnostics: Diagnostic[] } {
  const pki = new OwnedTree(host, target.dir);
  try {
    removeQuietly(host, siblingStaging(target.dir));
    if (!pki.rootStat()) return { recovered: [], diagnostics: [] };
    pki.removeTree(PKI_STAGING);
    if (!pki.lstat(PKI_COMMIT)) return { recovered: [], diagnostics: [] };
    const applied = applyPkiCommit(host, target);
    return { recovered: applied.moved, diagnostics: applied.diagnostics };
  } catch (e) {
    return { recovered: [], diagnostics: [writeFailure(e, target, 'it was not changed')] };
  }
}

/** Moves everything in pki/.meshgen-commit into place; repeatable. */
function applyPkiCommit(host: Host, target: PkiTarget): { moved: string[]; diagnostics: Diagnostic[] } {
  const pki = new OwnedTree(host, target.dir);
  const moved: string[] = [];
  try {
    const commit = `${PKI_COMMIT}`;
    for (const name of orderedEntries(pki.readdir(commit))) {
      const from = `${commit}/${name}`;
      const stat = pki.lstat(from);
      const existing = pki.lstat(name);
      if (stat?.kind === 'directory' && (!existing || (existing.kind === 'directory' && pki.readdir(name).length === 0))) {
        const files = pki.readdir(from).map((f) => `${name}/${f}`);
        host.rename(pki.path(from), pki.path(name)); // an intermediate appears whole (rename(2) replaces an empty directory)
        moved.push(...files);
        continue;
      }
      const files = stat?.kind === 'directory' ? orderedEntries(pki.readdir(from)).map((f) => `${name}/${f}`) : [name];
      for (const file of files) {
        if (moveFile(pki, `${commit}/${file}`, file)) moved.push(file);
      }
    }
    pki.removeTree(commit);
    host.syncDir(target.dir);
    return { moved, diagnostics: [] };
  } catch (e) {
    if (e instanceof OwnedPathError) return { moved, diagnostics: [ownedPathDiagnostic(e, target.display)] };
    const commitDir = path.join(target.display, PKI_COMMIT);
    if (e instanceof PkiConflict) {
      return {
        moved,
        diagnostics: [
          error(Codes.PkiUnwritable, `${path.join(target.display, e.file)} differs from the copy an interrupted build left in ${commitDir}: meshgen never replaces CA material`, {
            hint: `keep one of the two: remove ${path.join(commitDir, e.file)} (or ${path.join(target.display, e.file)}), then run meshgen build again`,
          }),
        ],
      };
    }
    return {
      moved,
      diagnostics: [
        error(Codes.PkiUnwritable, `cannot finish writing CA material to ${target.display}: ${failureReason(e)}`, {
          hint: `${commitDir} holds the rest; the next meshgen build finishes it`,
        }),
      ],
    };
  }
}

/** Renames a staged file into place unless the same bytes are there already; different bytes are a conflict. */
function moveFile(pki: OwnedTree, from: string, to: string): boolean {
  const existing = pki.lstat(to);
  if (existing?.kind === 'symlink') throw new OwnedPathError('symlink', to, pki.root);
  if (existing) {
    if (existing.kind === 'file' && pki.read(to) === pki.read(from)) {
      pki.host.unlink(pki.path(from));
      return false;
    }
    throw new PkiConflict(to);
  }
  pki.host.rename(pki.path(from), pki.path(to));
  return true;
}

/** Keys before certificates, so that a certificate never stands without its key; then by name. */
function orderedEntries(names: string[]): string[] {
  const rank = (n: string) => (n.endsWith('-key.pem') ? 0 : 1);
  return [...names].sort((a, b) => rank(a) - rank(b) || compareText(a, b));
}

/** Removes a staging directory and what is in it, following no link; a link or a file by that name is not ours. */
function removeQuietly(host: Host, dir: string): void {
  if (host.lstat(dir)?.kind !== 'directory') return;
  try {
    new OwnedTree(host, dir).removeTree('');
  } catch {
    // the next build tries again
  }
}

function writeFailure(e: unknown, target: PkiTarget, outcome: string): Diagnostic {
  if (e instanceof OwnedPathError) return ownedPathDiagnostic(e, target.display);
  if (e instanceof PkiConflict) {
    return error(Codes.PkiUnwritable, `${path.join(target.display, e.file)} appeared while this build ran: meshgen never replaces CA material; ${outcome}`, {
      hint: 'another program wrote to the directory; check what is there, then run meshgen build again',
    });
  }
  return error(Codes.PkiUnwritable, `cannot write CA material to ${target.display}: ${failureReason(e)}; ${outcome}`, {
    hint: 'check free space and permissions, then run meshgen build again',
  });
}

