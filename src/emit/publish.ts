// Publishing a build: CA material into pki/, then the rendered files into out/, so that
// whatever stops the build (an error, a full disk, kill -9) leaves each directory as the
// previous build left it or as this one means to, never a mix, and no debris.
//
// Why a journal for out/, rather than building a new out/ and swapping it in:
// - out/ is not meshgen's alone. It holds files meshgen must keep (hand-written notes,
//   CODEOWNERS, a .git of its own) and may be a mount point or a repository root: swapping
//   the directory would have to carry those over, and cannot work on a mount point.
// - Two renames (out → old, new → out) are not atomic either, and Node has no
//   renameat2(RENAME_EXCHANGE) to swap two directories in one step.
// - Renaming files one by one is atomic per file only. A journal, listing every rename and
//   removal and renamed into place once every new file is staged, turns the set into one
//   step: before the journal appears out/ is the previous tree (plus a staging directory the
//   next build deletes); once it is there, the publication is decided and any build finishes
//   it (roll forward: the new content is all on disk already, whereas rolling back would need
//   a copy of every file replaced). `build --check` compares against the tree the journal
//   publishes and fails while one is pending, since out/ on disk is then a mix.
// - Only changed files are staged and renamed: a rebuild with nothing changed writes nothing.
//
// The order of the whole publication (item 8 of issue #12): everything is staged first, pki/
// and out/ both; a failure while staging (no space, permissions, a file in the way) discards
// all of it and nothing is written. Then the CA material is committed, then out/'s journal.
// Only if out/ then fails (a failure between two renames, almost never) is new CA material
// kept without out/: the build says so, and it is safe, as nothing refers to it yet and the
// next build reuses it rather than making new keys. The reverse, certificates in out/ whose
// keys were not kept, cannot happen.

import { resolve } from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { Codes } from '../diagnostics/catalog.js';
import { failureReason, type Host } from '../host/host.js';
import { OwnedPathError, OwnedTree } from '../host/owned-tree.js';
import { ownedPathDiagnostic } from '../host/owned-path-diagnostic.js';
import { commitStagedPki, discardStagedPki, stagePkiWrites, type PkiTarget, type StagedPki } from '../pki/write.js';
import type { PendingWrite } from '../pki/plan.js';
import type { OutputSet } from '../resource/output-files.js';
import { JOURNAL_PATH, STAGING_DIR } from '../resource/out-layout.js';
import { JOURNAL_STAGING_NAME, JournalError, PRIVATE_DIR_MODE, PUBLIC_DIR_MODE, applyJournal, journalContent, readJournal, stagedPath, type Journal } from './journal.js';
import { journalUnreadable, modeOf, type OutputDiff } from './out-dir.js';

export interface PublishInput {
  /** out/ as the user named it */
  outDir: string;
  files: OutputSet;
  diff: OutputDiff;
  pki?: { target: PkiTarget; writes: readonly PendingWrite[] };
}

export interface PublishResult {
  diagnostics: Diagnostic[];
  /** CA files (relative to pki/) committed although out/ could not be published */
  pkiKept: string[];
}

export function publish(host: Host, input: PublishInput): PublishResult {
  const tree = new OwnedTree(host, resolve(input.outDir));
  const fail = (diagnostics: Diagnostic[], pkiKept: string[] = []): PublishResult => ({ diagnostics, pkiKept });

  const pki = input.pki ? stagePkiWrites(host, input.pki.target, input.pki.writes) : { diagnostics: [] };
  if (pki.diagnostics.length) return fail(pki.diagnostics);
  const discardPki = () => pki.staged && discardStagedPki(host, pki.staged);

  let journal: Journal | undefined;
  try {
    journal = stageOutput(tree, input.files, input.diff);
  } catch (e) {
    discardPki();
    return fail([outFailure(e, input.outDir, 'nothing in it was changed')]);
  }

  const committed = pki.staged ? commitStagedPki(host, pki.staged) : { committed: [], diagnostics: [] };
  if (committed.diagnostics.length) {
    if (journal) discardStaging(tree);
    return fail(committed.diagnostics, committed.committed);
  }
  if (!journal) return { diagnostics: [], pkiKept: [] };

  try {
    commitJournal(tree);
  } catch (e) {
    discardStaging(tree);
    return fail([outFailure(e, input.outDir, 'nothing in it was changed')], committed.committed);
  }
  try {
    applyJournal(tree, journal);
  } catch (e) {
    return fail([
      error(Codes.OutputUnwritable, `publishing ${input.outDir} stopped: ${failureReason(e)}`, {
        hint: `${input.outDir}/${JOURNAL_PATH} lists what is left; the next meshgen build finishes it (meanwhile build --check fails)`,
      }),
    ]);
  }
  return { diagnostics: [], pkiKept: [] };
}

/**
 * Before a build reads out/ (under its lock): finishes a publication whose journal a killed
 * build left, or removes what a killed build staged but never committed. Returns how many
 * files it moved into place.
 */
export function recoverOutput(host: Host, outDir: string): { recovered: number; diagnostics: Diagnostic[] } {
  const tree = new OwnedTree(host, resolve(outDir));
  try {
    if (!tree.rootStat()) return { recovered: 0, diagnostics: [] };
    const journal = readJournal(tree);
    if (journal) return { recovered: applyJournal(tree, journal), diagnostics: [] };
    const staging = tree.lstat(STAGING_DIR);
    if (staging?.kind === 'symlink') throw new OwnedPathError('symlink', STAGING_DIR, tree.root);
    if (staging) tree.removeTree(STAGING_DIR);
    return { recovered: 0, diagnostics: [] };
  } catch (e) {
    if (e instanceof OwnedPathError) return { recovered: 0, diagnostics: e.rel === '' ? [] : [ownedPathDiagnostic(e, outDir)] }; // out/ itself: diffOutput says what is wrong
    if (e instanceof JournalError) return { recovered: 0, diagnostics: [journalUnreadable(outDir, e)] };
    return {
      recovered: 0,
      diagnostics: [error(Codes.OutputUnwritable, `cannot finish the interrupted publication of ${outDir}: ${failureReason(e)}`, { hint: 'check free space and permissions, then run meshgen build again' })],
    };
  }
}

/**
 * Writes every new or changed file into out/.meshgen-staging/ (mode 0700, files created
 * exclusively with their exact mode) and the journal beside them; nothing in out/ changes.
 * Undefined when there is nothing to publish.
 */
function stageOutput(tree: OwnedTree, files: OutputSet, diff: OutputDiff): Journal | undefined {
  const toWrite = diff.changes.filter((c) => c.kind === 'added' || c.kind === 'changed');
  const toRemove = diff.changes.filter((c) => c.kind === 'removed').map((c) => c.path);
  if (toWrite.length === 0 && toRemove.length === 0) return undefined;
  const createdRoot = tree.rootStat() === undefined;
  let createdStaging = false;
  try {
    tree.ensureDir('', PUBLIC_DIR_MODE);
    // recoverOutput removed any of ours: another program made these
    if (tree.lstat(STAGING_DIR) || tree.lstat(JOURNAL_PATH)) throw new Error(`${tree.path(STAGING_DIR)} or ${tree.path(JOURNAL_PATH)} exists: another program is writing there`);
    tree.host.mkdir(tree.path(STAGING_DIR), PRIVATE_DIR_MODE);
    createdStaging = true;
    tree.host.chmod(tree.path(STAGING_DIR), PRIVATE_DIR_MODE);
    const journal: Journal = { files: [], remove: toRemove };
    for (const [i, change] of toWrite.entries()) {
      const file = files.get(change.path);
      if (file?.content === undefined) throw new Error(`internal: no content for ${change.path}`);
      const staged = String(i + 1);
      const mode = modeOf(file);
      tree.host.writeFile(tree.path(stagedPath(staged)), file.content, { mode, exclusive: true });
      tree.host.chmod(tree.path(stagedPath(staged)), mode); // exact, whatever the umask
      journal.files.push({ staged, path: change.path, mode });
    }
    tree.host.writeFile(tree.path(stagedPath(JOURNAL_STAGING_NAME)), journalContent(journal), { mode: 0o600, exclusive: true, sync: true });
    return journal;
  } catch (e) {
    if (createdStaging) discardStaging(tree);
    if (createdRoot) {
      try {
        tree.host.rmdir(tree.root);
      } catch {
        // not empty: not ours to remove
      }
    }
    throw e;
  }
}

/** The commit point: the staged journal becomes out/.meshgen-journal.json. */
function commitJournal(tree: OwnedTree): void {
  if (tree.lstat(JOURNAL_PATH)) throw new OwnedPathError('not-a-file', JOURNAL_PATH, tree.root);
  tree.host.rename(tree.path(stagedPath(JOURNAL_STAGING_NAME)), tree.path(JOURNAL_PATH));
  tree.host.syncDir(tree.root);
}

function discardStaging(tree: OwnedTree): void {
  try {
    if (tree.lstat(STAGING_DIR)?.kind === 'directory') tree.removeTree(STAGING_DIR);
  } catch {
    // the next build removes it
  }
}

function outFailure(e: unknown, outDir: string, outcome: string): Diagnostic {
  if (e instanceof OwnedPathError) return ownedPathDiagnostic(e, outDir);
  return error(Codes.OutputUnwritable, `cannot write to ${outDir}: ${failureReason(e)}; ${outcome}`, { hint: 'check permissions and free space' });
}

export type { StagedPki };
