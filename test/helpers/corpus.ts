import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The bad-input corpus: test/corpus/bad/NN-short-name.yaml. Every file opens with comment
// lines that state what meshgen must report for it, written from the file and the rules of
// mesh.yaml in docs/mesh-yaml.md and the README (never copied from the tool's output):
//
//   # Mistake: the cluster's network key is misspelled.
//   # expect: MG1101 16:7                  one line per expected error (1-based line:col)
//   # expect-warning: W2104 9:5            one line per expected warning, if the file declares any
//   # expect-hint: did you mean "network"?  some error's hint must contain this text

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BAD_CORPUS_DIR = join(REPO, 'test', 'corpus', 'bad');

export interface Expected {
  code: string;
  line: number;
  col: number;
}

export interface CorpusExpectations {
  errors: Expected[];
  /** undefined when the file declares no warnings: then warnings are not checked */
  warnings?: Expected[];
  hints: string[];
}

export function badCorpusFiles(): string[] {
  return readdirSync(BAD_CORPUS_DIR)
    .filter((name) => /^\d{2,3}-[a-z0-9][-a-zA-Z0-9.]*\.yaml$/.test(name))
    .sort();
}

/** Reads the `# expect...` lines of the leading comment block of a corpus file. */
export function readExpectations(path: string): CorpusExpectations {
  const lines = readFileSync(path, 'utf8').split(/\r\n|\r|\n/); // CR-only files are in the corpus too
  const errors: Expected[] = [];
  const warnings: Expected[] = [];
  const hints: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('#')) break; // the header ends at the first line that is not a comment
    const position = /^# expect(-warning)?:\s+([A-Z]+\d+)\s+(\d+):(\d+)\s*$/.exec(line);
    if (position) {
      const entry = { code: position[2], line: Number(position[3]), col: Number(position[4]) };
      (position[1] ? warnings : errors).push(entry);
      continue;
    }
    const hint = /^# expect-hint:\s+(.+?)\s*$/.exec(line);
    if (hint) {
      hints.push(hint[1]);
      continue;
    }
    if (/^# expect/.test(line)) throw new Error(`${path}: malformed expectation line: ${line}`);
  }
  return { errors, warnings: warnings.length ? warnings : undefined, hints };
}

/** "MG1101 16:7", the form both the expectations and the assertions compare in. */
export function key(e: { code: string; line: number; col: number }): string {
  return `${e.code} ${e.line}:${e.col}`;
}
