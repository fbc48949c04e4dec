import type { OutputDiff } from './out-dir.js';
import type { OutputSet } from '../resource/output-files.js';
import { unifiedDiff } from './unified-diff.js';
import { JOURNAL_PATH } from '../resource/out-layout.js';

// What `meshgen build --check` prints for out/ that is not up to date: each file that would be
// added, changed or removed, followed by the start of its unified diff, so that a CI log
// explains itself; each file meshgen did not write in a directory it owns; and a publication
// left pending by an interrupted build. Private files (keys, tokens), temporary files and
// unknown files are named, never shown.

export const DIFF_LINES_PER_FILE = 40;

export function checkReportLines(diff: OutputDiff, files: OutputSet, outDir: string, maxLinesPerFile = DIFF_LINES_PER_FILE): string[] {
  const lines: string[] = [];
  for (const change of diff.changes) {
    if (change.kind === 'unchanged') continue;
    const path = `${outDir}/${change.path}`;
    lines.push(`${change.kind.padEnd(7)} ${path}`);
    if (change.leftover) {
      lines.push('  (temporary file of an interrupted build: content not shown; meshgen build removes it)');
      continue;
    }
    if (change.private) {
      lines.push('  (private file: content not shown)');
      continue;
    }
    const after = change.kind === 'removed' ? '' : (files.get(change.path)?.content ?? '');
    const before = change.kind === 'added' ? '' : (change.before ?? '');
    const patch = unifiedDiff(before, after, {
      from: change.kind === 'added' ? undefined : `a/${path}`,
      to: change.kind === 'removed' ? undefined : `b/${path}`,
    });
    lines.push(...patch.slice(0, maxLinesPerFile));
    if (patch.length > maxLinesPerFile) lines.push(`... ${patch.length - maxLinesPerFile} more lines of diff for ${path}`);
  }
  for (const path of diff.unknown) {
    lines.push(`unknown ${outDir}/${path}`);
    lines.push('  (not written by meshgen, in a directory a GitOps tool applies as a whole: remove it or move it out of out/; meshgen never deletes it)');
  }
  if (diff.interrupted) {
    lines.push(`pending ${outDir}/${JOURNAL_PATH}`);
    lines.push(`  (a build was interrupted while publishing: the files on disk are a mix of two builds; the comparison above is with the tree it was publishing. Run meshgen build to finish it)`);
  }
  return lines;
}

/** How many problems --check reports: files to add, change or remove, unknown files, and a pending publication. */
export function driftCount(diff: OutputDiff): number {
  return diff.changes.filter((c) => c.kind !== 'unchanged').length + diff.unknown.length + (diff.interrupted ? 1 : 0);
}
