// Diagnostics are data: every stage returns them, the CLI formats them once.
// Codes are stable: MG1xxx parse/schema, MG2xxx semantics, MG3xxx PKI, MG4xxx output,
// W2xxx/W3xxx warnings. A code, once published, keeps its meaning. catalog.ts lists them all.
import type { Code, ErrorCode, Severity, WarningCode } from './catalog.js';

export type { Severity };

export interface SourcePosition {
  /** 1-based line */
  line: number;
  /** 1-based column */
  col: number;
  /** length of the offending span on its first line (for the caret underline) */
  length: number;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  /** path of the file the problem is in, as the user named it (relative paths stay relative) */
  file?: string;
  position?: SourcePosition;
  hint?: string;
}

export function error(code: ErrorCode, message: string, where: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: 'error', message, ...where };
}

export function warning(code: WarningCode, message: string, where: Partial<Diagnostic> = {}): Diagnostic {
  return { code, severity: 'warning', message, ...where };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Under --strict a warning counts as an error; the code stays the same. */
export function promoteWarnings(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.severity === 'warning' ? { ...d, severity: 'error' as const } : d));
}

/** Sorted by file, then position, then code, so output is stable whatever stage found them. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareText(a.file ?? '', b.file ?? '') ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.col ?? 0) - (b.position?.col ?? 0) ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
}

/** Code-unit order: independent of locale, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A value quoted in a message: at most `max` characters, the rest cut off with an ellipsis. */
export function excerpt(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** How much of a source line a code frame shows: a window around the column. */
export const FRAME_WIDTH = 120;
/** A message or hint longer than this is cut: it is meant to be read in a terminal. */
export const MAX_MESSAGE_LENGTH = 500;

/**
 * Formats one diagnostic as
 *   file:line:col: error MG1203: message
 *      13 |   previous line
 *      14 |     offending line
 *         |     ^^^^^^^
 *     hint: ...
 * `sourceText` is the text of `d.file`, when available, for the code frame. Whatever the
 * input, the output is bounded: each source line is a window of FRAME_WIDTH characters
 * around the column, and control characters are shown as U+FFFD, never sent to the terminal.
 */
export function formatDiagnostic(d: Diagnostic, sourceText?: string): string {
  const location = [d.file, d.position?.line, d.position?.col].filter((p) => p !== undefined).join(':');
  const lines = [`${location ? `${printable(location)}: ` : ''}${d.severity} ${d.code}: ${bounded(d.message)}`];
  if (d.position && sourceText !== undefined) lines.push(...codeFrame(sourceText, d.position));
  if (d.hint) lines.push(`  hint: ${bounded(d.hint)}`);
  return lines.join('\n');
}

function bounded(text: string): string {
  return printable(excerpt(text, MAX_MESSAGE_LENGTH));
}

/** Control characters (and lone line breaks) replaced one for one, so that columns still line up. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

function codeFrame(text: string, pos: SourcePosition): string[] {
  const lineStarts = [0];
  // only the lines shown are cut out of the text: a file may be one 50 MB line
  const wanted = pos.line;
  for (let i = 0, n = 1; n < wanted; n++) {
    const next = nextLineStart(text, i);
    if (next < 0) break;
    lineStarts.push(next);
    i = next;
  }
  if (lineStarts.length < wanted) return [];
  const lineAt = (n: number) => {
    const start = lineStarts[n - 1];
    const end = lineEnd(text, start);
    return text.slice(start, end);
  };
  const width = String(pos.line).length + 3;
  const offending = lineAt(pos.line);
  // the window: FRAME_WIDTH characters with the column a third of the way in
  const col = Math.min(Math.max(1, pos.col), offending.length + 1);
  const from = offending.length <= FRAME_WIDTH ? 0 : Math.max(0, Math.min(col - 1 - Math.floor(FRAME_WIDTH / 3), offending.length - FRAME_WIDTH));
  const cut = (line: string) => {
    const shown = line.slice(from, from + FRAME_WIDTH);
    return `${from > 0 ? '…' : ''}${printable(shown)}${line.length > from + FRAME_WIDTH ? '…' : ''}`;
  };
  const frame: string[] = [];
  if (pos.line > 1) frame.push(`${String(pos.line - 1).padStart(width)} | ${cut(lineAt(pos.line - 1))}`);
  frame.push(`${String(pos.line).padStart(width)} | ${cut(offending)}`);
  const caretStart = col - 1 - from;
  const available = Math.max(1, Math.min(offending.length, from + FRAME_WIDTH) - (col - 1));
  const carets = '^'.repeat(Math.max(1, Math.min(pos.length, available)));
  frame.push(`${' '.repeat(width)} | ${from > 0 ? ' ' : ''}${' '.repeat(caretStart)}${carets}`);
  return frame;
}

/** Where the line after the one starting at `from` starts (after \n, \r\n or a lone \r), or -1. */
function nextLineStart(text: string, from: number): number {
  const end = lineEnd(text, from);
  if (end >= text.length) return -1;
  return text[end] === '\r' && text[end + 1] === '\n' ? end + 2 : end + 1;
}

function lineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

export function summarizeCounts(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
