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

/**
 * Formats one diagnostic as
 *   file:line:col: error MG1203: message
 *      13 |   previous line
 *      14 |     offending line
 *         |     ^^^^^^^
 *     hint: ...
 * `sourceText` is the text of `d.file`, when available, for the code frame.
 */
export function formatDiagnostic(d: Diagnostic, sourceText?: string): string {
  const location = [d.file, d.position?.line, d.position?.col].filter((p) => p !== undefined).join(':');
  const lines = [`${location ? `${location}: ` : ''}${d.severity} ${d.code}: ${d.message}`];
  if (d.position && sourceText !== undefined) lines.push(...codeFrame(sourceText, d.position));
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

function codeFrame(text: string, pos: SourcePosition): string[] {
  const source = text.split(/\r?\n/);
  const first = Math.max(1, pos.line - 1);
  const width = String(pos.line).length + 3;
  const frame: string[] = [];
  for (let n = first; n <= pos.line && n <= source.length; n++) {
    frame.push(`${String(n).padStart(width)} | ${source[n - 1]}`);
  }
  if (pos.line <= source.length) {
    const lineText = source[pos.line - 1];
    const available = Math.max(1, lineText.length - (pos.col - 1));
    const carets = '^'.repeat(Math.max(1, Math.min(pos.length, available)));
    frame.push(`${' '.repeat(width)} | ${' '.repeat(pos.col - 1)}${carets}`);
  }
  return frame;
}

export function summarizeCounts(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
