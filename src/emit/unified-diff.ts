// A line diff in unified format, for `meshgen build --check`: a CI log then shows what
// drifted, not only which files. Myers' O((N+M)·D) algorithm ("An O(ND) Difference Algorithm
// and Its Variations", 1986), after trimming the common head and tail that most edits leave.

export type EditKind = 'equal' | 'delete' | 'insert';

export interface Edit {
  kind: EditKind;
  /** the line with its "\n", or without one for a last line that has none */
  line: string;
}

/** Lines keep their terminator, so "a" and "a\n" differ, as they do on disk. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The shortest edit script turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const equal = (lines: readonly string[]): Edit[] => lines.map((line) => ({ kind: 'equal', line }));
  const middle = myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  return [...equal(a.slice(0, head)), ...middle, ...equal(a.slice(a.length - tail))];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  if (max === 0) return [];
  // v[k + max]: the furthest x reached on diagonal k (x − y = k); trace[d] is v before step d,
  // kept for diagonals −d..d only.
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(max - d, max + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }

  // Walk back from (n, m) through the trace, collecting the script in reverse.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d >= 0; d--) {
    const before = trace[d];
    const at = (k: number) => before[k + d];
    const k = x - y;
    const previousK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      edits.push({ kind: 'equal', line: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === previousX) edits.push({ kind: 'insert', line: b[previousY] });
      else edits.push({ kind: 'delete', line: a[previousX] });
    }
    x = previousX;
    y = previousY;
  }
  return edits.reverse();
}

export interface UnifiedDiffOptions {
  /** the label of the old file, or undefined for an added file (/dev/null) */
  from?: string;
  /** the label of the new file, or undefined for a removed file (/dev/null) */
  to?: string;
  /** unchanged lines around each change; default 3, as diff -u */
  context?: number;
}

/** `--- a`, `+++ b`, then `@@ -l,s +l,s @@` hunks; no lines at all when the texts are equal. */
export function unifiedDiff(before: string, after: string, options: UnifiedDiffOptions = {}): string[] {
  const context = options.context ?? 3;
  const edits = diffLines(splitLines(before), splitLines(after));
  if (edits.every((e) => e.kind === 'equal')) return [];
  const out = [`--- ${options.from ?? '/dev/null'}`, `+++ ${options.to ?? '/dev/null'}`];

  // Position of every edit in both files, then runs of changes merged when the unchanged gap
  // between them is at most 2·context lines.
  const positions: { oldLine: number; newLine: number }[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const edit of edits) {
    positions.push({ oldLine, newLine });
    if (edit.kind !== 'insert') oldLine++;
    if (edit.kind !== 'delete') newLine++;
  }
  const changed = edits.flatMap((e, i) => (e.kind === 'equal' ? [] : [i]));
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && changed[end + 1] - changed[end] - 1 <= 2 * context) end++;
    const first = Math.max(0, changed[start] - context);
    const last = Math.min(edits.length - 1, changed[end] + context);
    const slice = edits.slice(first, last + 1);
    const oldCount = slice.filter((e) => e.kind !== 'insert').length;
    const newCount = slice.filter((e) => e.kind !== 'delete').length;
    // as diff -u: an empty range is numbered by the line before it
    const range = (line: number, count: number) => `${count === 0 ? line : line + 1}${count === 1 ? '' : `,${count}`}`;
    out.push(`@@ -${range(positions[first].oldLine, oldCount)} +${range(positions[first].newLine, newCount)} @@`);
    for (const edit of slice) {
      const prefix = edit.kind === 'equal' ? ' ' : edit.kind === 'delete' ? '-' : '+';
      out.push(prefix + edit.line.replace(/\n$/, ''));
      if (!edit.line.endsWith('\n')) out.push('\\ No newline at end of file');
    }
    start = end + 1;
  }
  return out;
}
