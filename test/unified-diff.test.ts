import { describe, expect, it } from 'vitest';
import { diffLines, splitLines, unifiedDiff } from '../src/emit/unified-diff.js';

// The line diff --check prints: the format of `diff -u`, and a shortest edit script.

const lines = (...items: string[]) => items.map((l) => `${l}\n`).join('');

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff(lines('a', 'b'), lines('a', 'b'), { from: 'a/f', to: 'b/f' })).toEqual([]);
  });

  it('shows a changed line with three lines of context on each side, as diff -u does', () => {
    const before = lines('1', '2', '3', '4', '5', '6', '7', '8', '9');
    const after = lines('1', '2', '3', '4', 'five', '6', '7', '8', '9');
    expect(unifiedDiff(before, after, { from: 'a/f', to: 'b/f' })).toEqual(['--- a/f', '+++ b/f', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8']);
  });

  it('splits changes more than six unchanged lines apart into separate hunks, and joins closer ones', () => {
    const base = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const far = [...base];
    far[1] = 'two';
    far[17] = 'eighteen';
    expect(unifiedDiff(lines(...base), lines(...far)).filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
    const near = [...base];
    near[1] = 'two';
    near[8] = 'nine';
    expect(unifiedDiff(lines(...base), lines(...near)).filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,12 +1,12 @@']);
  });

  it('shows an added file against /dev/null', () => {
    expect(unifiedDiff('', lines('x', 'y'), { to: 'b/f' })).toEqual(['--- /dev/null', '+++ b/f', '@@ -0,0 +1,2 @@', '+x', '+y']);
  });

  it('shows a removed file against /dev/null', () => {
    expect(unifiedDiff(lines('x'), '', { from: 'a/f' })).toEqual(['--- a/f', '+++ /dev/null', '@@ -1 +0,0 @@', '-x']);
  });

  it('marks a last line without a newline', () => {
    expect(unifiedDiff('x\ny', lines('x', 'y'), { from: 'a', to: 'b' })).toEqual(['--- a', '+++ b', '@@ -1,2 +1,2 @@', ' x', '-y', '\\ No newline at end of file', '+y']);
  });
});

describe('diffLines', () => {
  /** Longest common subsequence by dynamic programming: the number of lines a shortest script keeps. */
  function lcsLength(a: string[], b: string[]): number {
    const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    return table[0][0];
  }

  it('turns one text into the other and keeps as many lines as possible (500 random cases)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 500; n++) {
      const text = () => Array.from({ length: Math.floor(random() * 15) }, () => `${'abcd'[Math.floor(random() * 4)]}\n`);
      const a = text();
      const b = text();
      const edits = diffLines(a, b);
      expect(edits.filter((e) => e.kind !== 'insert').map((e) => e.line)).toEqual(a);
      expect(edits.filter((e) => e.kind !== 'delete').map((e) => e.line)).toEqual(b);
      expect(edits.filter((e) => e.kind === 'equal').length).toBe(lcsLength(a, b));
    }
  });

  it('splits text into lines that keep their newline', () => {
    expect(splitLines('a\n\nb')).toEqual(['a\n', '\n', 'b']);
    expect(splitLines('')).toEqual([]);
  });
});
