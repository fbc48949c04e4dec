import type { OutputDiff } from './out-dir.js';
import type { OutputSet } from '../resource/output-files.js';
import { unifiedDiff } from './unified-diff.js';

// What `meshgen build --check` prints for out/ that is not up to date: each file that would be
// added, changed or removed, followed by the start of its unified diff, so that a CI log
// explains itself. Private files (keys, tokens) are named, never shown.

export const DIFF_LINES_PER_FILE = 40;

export function checkReportLines(diff: OutputDiff, files: OutputSet, outDir: string, maxLinesPerFile = DIFF_LINES_PER_FILE): string[] {
  const lines: string[] = [];
  for (const change of diff.changes) {
    if (change.kind === 'unchanged') continue;
    const path = `${outDir}/${change.path}`;
    lines.push(`${change.kind.padEnd(7)} ${path}`);
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
  return lines;
}
